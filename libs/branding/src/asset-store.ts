import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Asset } from './branding.types.js';

export const ASSET_STORE = Symbol('ASSET_STORE');

export interface StoredAsset {
  contentType: string;
  body: Buffer;
  etag: string;
}

/** Where branding files live: a folder on one machine, a bucket behind a CDN in the cloud. */
export interface AssetStore {
  put(tenantId: string, asset: Asset): Promise<void>;
  get(tenantId: string, name: string): Promise<StoredAsset | undefined>;
  removeAll(tenantId: string): Promise<void>;
}

const ASSET_NAME = /^[a-z]+-[0-9a-f]{16}\.(css|html|svg|png)$/;
const TENANT_ID = /^[0-9a-f-]{36}$/;
const CONTENT_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
  png: 'image/png',
};
const CACHE_ENTRIES = 2_000;

export function isAssetName(name: string): boolean {
  return ASSET_NAME.test(name);
}

/** What the edge serves for a file: its content type comes from the extension, its etag from its bytes. */
export function storedAssetOf(name: string, body: Buffer): StoredAsset {
  return {
    body,
    contentType: CONTENT_TYPES[ASSET_NAME.exec(name)![1]!]!,
    etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
  };
}

/** Names are content hashes, so a file read once may be kept in memory for good (bounded). */
export class AssetCache {
  private readonly entries = new Map<string, StoredAsset>();

  get(key: string): StoredAsset | undefined {
    return this.entries.get(key);
  }

  set(key: string, asset: StoredAsset): void {
    if (this.entries.size >= CACHE_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, asset);
  }

  dropPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

/**
 * Files under `<dir>/<tenantId>/<hashed name>`. Names are content hashes, so a file is written once
 * (temp file then rename: a reader never sees half of it) and may be cached forever in memory.
 */
export class LocalAssetStore implements AssetStore {
  private readonly cache = new AssetCache();

  constructor(private readonly dir: string) {}

  async put(tenantId: string, asset: Asset): Promise<void> {
    const name = this.checkedName(asset.name);
    const folder = this.folderOf(tenantId);
    await mkdir(folder, { recursive: true });
    const temporary = join(folder, `.${name}.${randomUUID()}.tmp`);
    try {
      await writeFile(temporary, asset.body);
      await rename(temporary, join(folder, name));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  async get(tenantId: string, name: string): Promise<StoredAsset | undefined> {
    if (!TENANT_ID.test(tenantId) || !ASSET_NAME.test(name)) return undefined;
    const key = `${tenantId}/${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    const body = await readFile(join(this.dir, tenantId, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (!body) return undefined;
    const stored = storedAssetOf(name, body);
    this.cache.set(key, stored);
    return stored;
  }

  async removeAll(tenantId: string): Promise<void> {
    await rm(this.folderOf(tenantId), { recursive: true, force: true });
    this.cache.dropPrefix(`${tenantId}/`);
  }

  private folderOf(tenantId: string): string {
    if (!TENANT_ID.test(tenantId)) throw new Error(`Not a tenant id: ${tenantId}`);
    return join(this.dir, tenantId);
  }

  private checkedName(name: string): string {
    if (!ASSET_NAME.test(name)) throw new Error(`Not a content-hashed asset name: ${name}`);
    return name;
  }
}
