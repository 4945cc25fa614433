import { type Server, createServer } from 'node:http';
import { buildBrandingBundle } from './branding-bundle.js';
import { BucketAssetStore } from './bucket-asset-store.js';

/** A public bucket as GCS serves it: GET /<object name>, 404 for what is not there. */
async function startBucket(objects: Map<string, Buffer>): Promise<{ server: Server; url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    const name = (request.url ?? '/').slice(1);
    hits.push(name);
    const body = objects.get(name);
    if (!body) return void response.writeHead(404).end('No such object');
    response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, hits };
}

describe(BucketAssetStore.name, () => {
  const tenantId = '7c6a1f0e-0000-4000-8000-000000000001';
  const bundle = buildBrandingBundle({ slug: 'acme', displayName: 'Acme', branding: { primaryColor: '#112233' } });
  let bucket: Awaited<ReturnType<typeof startBucket>>;
  let sut: BucketAssetStore;

  beforeEach(async () => {
    bucket = await startBucket(new Map(bundle.assets.map((asset) => [asset.name, asset.body])));
    sut = new BucketAssetStore(`${bucket.url}/`);
  });

  afterEach(() => new Promise((resolve) => bucket.server.close(resolve)));

  it('reads a file from the bucket with its content type and an etag, then from memory', async () => {
    const first = await sut.get(tenantId, bundle.theme.name);
    const again = await sut.get(tenantId, bundle.theme.name);

    expect(first?.body.toString()).toContain('#112233');
    expect(first?.contentType).toBe('text/css; charset=utf-8');
    expect(first?.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(again).toEqual(first);
    expect(bucket.hits).toEqual([bundle.theme.name]);
  });

  it('answers undefined for a missing object and never asks the bucket for a name that is not an asset', async () => {
    expect(await sut.get(tenantId, 'theme-0000000000000000.css')).toBeUndefined();
    expect(await sut.get(tenantId, '../secrets.txt')).toBeUndefined();
    expect(bucket.hits).toEqual(['theme-0000000000000000.css']);
  });

  it('is read-only: the pulumi target writes the bucket', async () => {
    await expect(sut.put(tenantId, bundle.theme)).rejects.toThrow(/read-only/);
    await expect(sut.removeAll()).rejects.toThrow(/read-only/);
  });
});
