import { request } from 'undici';
import type { Asset } from './branding.types.js';
import { AssetCache, type AssetStore, type StoredAsset, isAssetName, storedAssetOf } from './asset-store.js';

const FETCH_TIMEOUT_MS = 5_000;

/**
 * A tenant's branding read over HTTP from its public bucket (GCS behind Cloud CDN in the cloud):
 * `<baseUrl>/<hashed name>`. On GKE every tenant has an edge of its own, so the base URL is that
 * tenant's bucket. Read-only: the pulumi target writes the bucket.
 */
export class BucketAssetStore implements AssetStore {
  private readonly cache = new AssetCache();

  constructor(private readonly baseUrl: string) {}

  async get(tenantId: string, name: string): Promise<StoredAsset | undefined> {
    if (!isAssetName(name)) return undefined;
    const cached = this.cache.get(name);
    if (cached) return cached;
    const answer = await request(`${this.baseUrl.replace(/\/$/, '')}/${name}`, {
      headersTimeout: FETCH_TIMEOUT_MS,
      bodyTimeout: FETCH_TIMEOUT_MS,
    });
    if (answer.statusCode === 404 || answer.statusCode === 403) {
      await answer.body.dump();
      return undefined;
    }
    if (answer.statusCode !== 200) {
      await answer.body.dump();
      throw new Error(`Asset bucket answered ${answer.statusCode} for ${name} (tenant ${tenantId})`);
    }
    const stored = storedAssetOf(name, Buffer.from(await answer.body.arrayBuffer()));
    this.cache.set(name, stored);
    return stored;
  }

  async put(_tenantId: string, asset: Asset): Promise<void> {
    throw new Error(`The bucket asset store is read-only (${asset.name}): the pulumi target writes the bucket`);
  }

  async removeAll(): Promise<void> {
    throw new Error('The bucket asset store is read-only: the pulumi target empties the bucket');
  }
}
