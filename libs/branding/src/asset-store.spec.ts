import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { LocalAssetStore } from './asset-store.js';
import { buildBrandingBundle, contentHashedName } from './branding-bundle.js';
import type { Asset } from './branding.types.js';

const CONTENT_TYPES = {
  css: 'text/css; charset=utf-8',
  html: 'text/html; charset=utf-8',
  svg: 'image/svg+xml; charset=utf-8',
  png: 'image/png',
} as const;

type Extension = keyof typeof CONTENT_TYPES;

function anAsset(overrides: { stem?: string; extension?: Extension; body?: string | Buffer } = {}): Asset {
  const extension = overrides.extension ?? 'css';
  const body = Buffer.isBuffer(overrides.body)
    ? overrides.body
    : Buffer.from(overrides.body ?? `:root { --x: ${randomUUID()}; }`);
  return {
    name: contentHashedName(overrides.stem ?? 'theme', extension, body),
    contentType: CONTENT_TYPES[extension],
    body,
  };
}

/** Every file under `folder`, as paths relative to it. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => relative(folder, join(entry.parentPath, entry.name)));
}

describe(LocalAssetStore.name, () => {
  let root: string;
  let dir: string;
  let tenantId: string;
  let sut: LocalAssetStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'asset-store-'));
    dir = join(root, 'assets');
    tenantId = randomUUID();
    sut = new LocalAssetStore(dir);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe('put then get', () => {
    it.each(Object.entries(CONTENT_TYPES) as [Extension, string][])(
      'returns a .%s file with its content type',
      async (extension, contentType) => {
        const asset = anAsset({ stem: 'logo', extension, body: Buffer.from([0x00, 0xff, 0x10, extension.length]) });

        await sut.put(tenantId, asset);

        const stored = await sut.get(tenantId, asset.name);
        expect(stored?.contentType).toBe(contentType);
        expect(stored?.body.equals(asset.body)).toBe(true);
      },
    );

    it('keeps the file under <dir>/<tenantId>/<name> and leaves no temporary file behind', async () => {
      const asset = anAsset();

      await sut.put(tenantId, asset);

      expect(await filesUnder(root)).toEqual([join('assets', tenantId, asset.name)]);
    });

    it('serves a quoted etag that is stable across reads and store instances', async () => {
      const asset = anAsset();
      await sut.put(tenantId, asset);

      const first = await sut.get(tenantId, asset.name);
      const second = await sut.get(tenantId, asset.name);
      const fromAnotherProcess = await new LocalAssetStore(dir).get(tenantId, asset.name);

      expect(first?.etag).toMatch(/^"[0-9a-f]{32}"$/);
      expect(second?.etag).toBe(first?.etag);
      expect(fromAnotherProcess?.etag).toBe(first?.etag);
    });

    it('gives different content different etags', async () => {
      const one = anAsset({ body: 'a { color: red; }' });
      const other = anAsset({ body: 'a { color: blue; }' });
      await sut.put(tenantId, one);
      await sut.put(tenantId, other);

      const etags = [(await sut.get(tenantId, one.name))?.etag, (await sut.get(tenantId, other.name))?.etag];

      expect(new Set(etags).size).toBe(2);
    });

    it('writes the same asset twice without complaint', async () => {
      const asset = anAsset();

      await sut.put(tenantId, asset);
      await sut.put(tenantId, asset);

      expect((await sut.get(tenantId, asset.name))?.body.equals(asset.body)).toBe(true);
    });

    // Two converges of one tenant may overlap (a retry while the first run is still writing).
    it('writes the same asset concurrently without failing', async () => {
      const asset = anAsset({ body: Buffer.alloc(512 * 1024, 'a') });

      await expect(
        Promise.all([sut.put(tenantId, asset), sut.put(tenantId, asset), sut.put(tenantId, asset)]),
      ).resolves.toBeDefined();

      expect((await sut.get(tenantId, asset.name))?.body.equals(asset.body)).toBe(true);
      expect(await filesUnder(root)).toEqual([join('assets', tenantId, asset.name)]);
    });

    it('stores every file of a branding bundle under the names the bundle chose', async () => {
      const bundle = buildBrandingBundle({
        slug: 'acme',
        displayName: 'Acme',
        branding: {
          primaryColor: '#123456',
          logo: {
            contentType: 'image/svg+xml',
            base64: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64'),
          },
        },
      });

      for (const asset of bundle.assets) await sut.put(tenantId, asset);

      for (const asset of bundle.assets) {
        const stored = await sut.get(tenantId, asset.name);
        expect({ name: asset.name, contentType: stored?.contentType, body: stored?.body.toString() }).toEqual({
          name: asset.name,
          contentType: asset.contentType,
          body: asset.body.toString(),
        });
      }
    });
  });

  describe('get', () => {
    it('answers undefined for an asset that was never written', async () => {
      expect(await sut.get(tenantId, anAsset().name)).toBeUndefined();
    });

    it('answers undefined for an asset of another tenant', async () => {
      const asset = anAsset();
      await sut.put(tenantId, asset);

      expect(await sut.get(randomUUID(), asset.name)).toBeUndefined();
    });

    it('does not remember a miss: the asset is served once it is written', async () => {
      const asset = anAsset();
      expect(await sut.get(tenantId, asset.name)).toBeUndefined();

      await sut.put(tenantId, asset);

      expect(await sut.get(tenantId, asset.name)).toBeDefined();
    });

    it.each([
      ['a parent-directory name', '../secret-0123456789abcdef.css'],
      ['a name that climbs out of the store', '../../secret-0123456789abcdef.css'],
      ['an absolute path', '/etc/passwd'],
      ['a name with a directory', 'x/theme-0123456789abcdef.css'],
      ['a name that is not content-hashed', 'theme.css'],
      ['an upper-case hash', 'theme-0123456789ABCDEF.css'],
      ['a short hash', 'theme-0123456789abcde.css'],
      ['an extension that is not served', 'theme-0123456789abcdef.js'],
      ['a trailing path', 'theme-0123456789abcdef.css/../../secret-0123456789abcdef.css'],
      ['a NUL byte', 'theme-0123456789abcdef.css\u0000.js'],
      ['a percent-encoded parent directory', '%2e%2e%2fsecret-0123456789abcdef.css'],
      ['a temporary file name', '.theme-0123456789abcdef.css.1.2.tmp'],
      ['an empty name', ''],
    ])('answers undefined for %s', async (_case, name) => {
      await writeFile(join(root, 'secret-0123456789abcdef.css'), 'secret');
      await mkdir(join(dir, tenantId), { recursive: true });
      await writeFile(join(dir, 'secret-0123456789abcdef.css'), 'secret');

      expect(await sut.get(tenantId, name)).toBeUndefined();
    });

    it.each([
      ['a parent directory', '..'],
      ['a path that climbs out of the store', '../../../../../../etc'],
      ['an upper-case uuid', randomUUID().toUpperCase()],
      ['an empty id', ''],
      ['a slug', 'acme'],
    ])('answers undefined for a tenant id that is %s', async (_case, badTenantId) => {
      expect(await sut.get(badTenantId, anAsset().name)).toBeUndefined();
    });
  });

  describe('put refuses', () => {
    it.each([
      ['a parent-directory name', '../theme-0123456789abcdef.css'],
      ['a name with a directory', 'x/theme-0123456789abcdef.css'],
      ['a name that is not content-hashed', 'theme.css'],
      ['an extension that is not served', 'theme-0123456789abcdef.js'],
      ['an empty name', ''],
    ])('%s, and writes nothing', async (_case, name) => {
      await expect(sut.put(tenantId, { ...anAsset(), name })).rejects.toThrow(/Not a content-hashed asset name/);

      expect(await filesUnder(root)).toEqual([]);
    });

    // The temporary file is named after the asset, so an unchecked name picks where the body lands.
    it('a name that climbs out of the store, without writing outside it', async () => {
      const name = '/../../escaped-0123456789abcdef.css';

      await expect(sut.put(tenantId, { ...anAsset({ body: 'owned' }), name })).rejects.toThrow(
        /Not a content-hashed asset name/,
      );

      expect(await filesUnder(root)).toEqual([]);
    });

    it.each([
      ['a parent directory', '..'],
      ['a path that climbs out of the store', '../../../../../../tmp'],
      ['an upper-case uuid', randomUUID().toUpperCase()],
      ['an empty id', ''],
    ])('a tenant id that is %s', async (_case, badTenantId) => {
      await expect(sut.put(badTenantId, anAsset())).rejects.toThrow(/Not a tenant id/);

      expect(await filesUnder(root).catch(() => [])).toEqual([]);
    });
  });

  describe('removeAll', () => {
    it('removes every asset of the tenant, cached or not', async () => {
      const cached = anAsset();
      const uncached = anAsset({ stem: 'landing', extension: 'html', body: '<p>hi</p>' });
      await sut.put(tenantId, cached);
      await sut.put(tenantId, uncached);
      await sut.get(tenantId, cached.name);

      await sut.removeAll(tenantId);

      expect(await sut.get(tenantId, cached.name)).toBeUndefined();
      expect(await sut.get(tenantId, uncached.name)).toBeUndefined();
      await expect(stat(join(dir, tenantId))).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('leaves other tenants alone', async () => {
      const otherTenantId = randomUUID();
      const asset = anAsset();
      await sut.put(tenantId, asset);
      await sut.put(otherTenantId, asset);
      await sut.get(otherTenantId, asset.name);

      await sut.removeAll(tenantId);

      expect((await sut.get(otherTenantId, asset.name))?.body.equals(asset.body)).toBe(true);
      expect(await filesUnder(dir)).toEqual([join(otherTenantId, asset.name)]);
    });

    it('succeeds for a tenant that has no assets', async () => {
      await expect(sut.removeAll(tenantId)).resolves.toBeUndefined();
    });

    it.each([
      ['a parent directory', '..'],
      ['the current directory', '.'],
      ['an empty id', ''],
      ['a path that climbs out of the store', '../../../../../../tmp'],
    ])('refuses a tenant id that is %s and deletes nothing', async (_case, badTenantId) => {
      const asset = anAsset();
      await sut.put(tenantId, asset);

      await expect(sut.removeAll(badTenantId)).rejects.toThrow(/Not a tenant id/);

      expect(await filesUnder(dir)).toEqual([join(tenantId, asset.name)]);
    });
  });
});
