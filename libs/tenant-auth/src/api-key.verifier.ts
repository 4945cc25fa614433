import { Injectable } from '@nestjs/common';
import type { ApiKey } from '@platform/database';
import { hashSecret } from '@platform/secrets';
import { ApiKeysRepository } from './api-keys.repository.js';

type KeyRecord = Pick<ApiKey, 'id' | 'tenantId' | 'revokedAt'>;

export interface ActiveKey {
  keyId: string;
  tenantId: string;
}

interface CacheEntry {
  key: KeyRecord | null;
  expiresAt: number;
}

/**
 * How long a replica trusts what Postgres said about a key: the upper bound on how late a
 * revocation takes effect, traded for not querying Postgres on every request.
 */
export const KEY_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

/** Checks API keys (by hash) and key ids (inside JWTs) against Postgres, cached briefly per replica. */
@Injectable()
export class ApiKeyVerifier {
  private readonly byHash = new Map<string, CacheEntry>();
  private readonly byId = new Map<string, CacheEntry>();

  constructor(private readonly keys: ApiKeysRepository) {}

  async activeKeyOf(secret: string): Promise<ActiveKey | null> {
    const hash = hashSecret(secret);
    return activeOf(await this.cached(this.byHash, hash, () => this.keys.findByHash(hash)));
  }

  async activeKeyById(keyId: string): Promise<ActiveKey | null> {
    if (!/^[0-9a-f-]{36}$/i.test(keyId)) return null;
    return activeOf(await this.cached(this.byId, keyId, () => this.keys.findById(keyId)));
  }

  private async cached(cache: Map<string, CacheEntry>, id: string, load: () => Promise<KeyRecord | null>) {
    const hit = cache.get(id);
    if (hit && hit.expiresAt > Date.now()) return hit.key;
    const key = await load();
    // Unknown secrets are not cached: random guesses would only fill the map.
    if (!key) return null;
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(id, { key, expiresAt: Date.now() + KEY_CACHE_MS });
    return key;
  }
}

function activeOf(key: KeyRecord | null): ActiveKey | null {
  return key && !key.revokedAt ? { keyId: key.id, tenantId: key.tenantId } : null;
}
