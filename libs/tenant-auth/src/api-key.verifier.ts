import { Injectable } from '@nestjs/common';
import { FreshCache } from '@platform/cache';
import { hashSecret } from '@platform/secrets';
import { ApiKeysRepository, type KeyRecord } from './api-keys.repository.js';
import { type TenantScope, tenantScopesOf } from './tenant-scopes.js';

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
 * The keys in use are re-checked together, in one query per few seconds however many there are.
 * Unknown secrets are not cached: random guesses would only fill the cache.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly byHash: FreshCache<KeyRecord>;
  private readonly byId: FreshCache<KeyRecord>;

  constructor(keys: ApiKeysRepository) {
    this.byHash = new FreshCache({ ...CACHE_OPTIONS, load: (hashes) => keys.findByHashes(hashes) });
    this.byId = new FreshCache({ ...CACHE_OPTIONS, load: (ids) => keys.findByIds(ids) });
  }

  async activeKeyOf(secret: string): Promise<ActiveKey | null> {
    return activeOf(await this.byHash.get(hashSecret(secret)));
  }

  /** From this replica's cache only: undefined when Postgres would have to be asked. */
  heldActiveKeyOf(secret: string): ActiveKey | null | undefined {
    const key = this.byHash.peek(hashSecret(secret));
    return key && activeOf(key);
  }

  async activeKeyById(keyId: string): Promise<ActiveKey | null> {
    if (!/^[0-9a-f-]{36}$/i.test(keyId)) return null;
    return activeOf(await this.byId.get(keyId.toLowerCase()));
  }
}

function activeOf(key: KeyRecord | undefined): ActiveKey | null {
  return key && !key.revokedAt ? { keyId: key.id, tenantId: key.tenantId, scopes: tenantScopesOf(key.scopes) } : null;
}
