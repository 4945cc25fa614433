import { Injectable } from '@nestjs/common';
import { FreshCache } from '@platform/cache';
import type { ApiKey } from '@platform/database';
import { hashSecret } from '@platform/secrets';
import { ApiKeysRepository } from './api-keys.repository.js';
import { type TenantScope, tenantScopesOf } from './tenant-scopes.js';

type KeyRecord = Pick<ApiKey, 'id' | 'tenantId' | 'revokedAt' | 'scopes'>;

export interface ActiveKey {
  keyId: string;
  tenantId: string;
  scopes: TenantScope[];
}

/**
 * How long a replica trusts what Postgres said about a key: the upper bound on how late a
 * revocation takes effect, traded for not querying Postgres on every request.
 */
export const KEY_CACHE_MS = 5_000;
const CACHE_OPTIONS = { ttlMs: KEY_CACHE_MS, refreshAheadMs: 1_000, maxEntries: 10_000 };

/**
 * Checks API keys (by hash) and key ids (inside JWTs) against Postgres, cached briefly per replica.
 * Unknown secrets are not cached: random guesses would only fill the cache.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly byHash = new FreshCache<KeyRecord>(CACHE_OPTIONS);
  private readonly byId = new FreshCache<KeyRecord>(CACHE_OPTIONS);

  constructor(private readonly keys: ApiKeysRepository) {}

  async activeKeyOf(secret: string): Promise<ActiveKey | null> {
    const hash = hashSecret(secret);
    return activeOf(await this.byHash.get(hash, this.loadByHash(hash)));
  }

  /** From this replica's cache only: undefined when Postgres would have to be asked. */
  heldActiveKeyOf(secret: string): ActiveKey | null | undefined {
    const hash = hashSecret(secret);
    const key = this.byHash.peek(hash, this.loadByHash(hash));
    return key && activeOf(key);
  }

  async activeKeyById(keyId: string): Promise<ActiveKey | null> {
    if (!/^[0-9a-f-]{36}$/i.test(keyId)) return null;
    return activeOf(await this.byId.get(keyId, async () => (await this.keys.findById(keyId)) ?? undefined));
  }

  private loadByHash(hash: string) {
    return async () => (await this.keys.findByHash(hash)) ?? undefined;
  }
}

function activeOf(key: KeyRecord | undefined): ActiveKey | null {
  return key && !key.revokedAt ? { keyId: key.id, tenantId: key.tenantId, scopes: tenantScopesOf(key.scopes) } : null;
}
