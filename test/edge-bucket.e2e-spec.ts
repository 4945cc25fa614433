import { readFile, readdir } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { join } from 'node:path';
import { Stack, freePorts, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

/**
 * On GKE the edge reads branding from the tenant's public bucket (ASSET_BASE_URL). Here a small HTTP
 * server stands in for the bucket and serves what the provisioner wrote, by object name.
 */
async function startBucket(port: number, assetDir: string): Promise<{ server: Server; requested: string[] }> {
  const requested: string[] = [];
  const server = createServer((request, response) => {
    const name = (request.url ?? '/').slice(1);
    requested.push(name);
    void (async () => {
      for (const tenant of await readdir(assetDir).catch(() => [])) {
        const body = await readFile(join(assetDir, tenant, name)).catch(() => undefined);
        if (body) return void response.writeHead(200).end(body);
      }
      response.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, requested };
}

describe('The edge reading branding from a bucket (ASSET_BASE_URL)', () => {
  it('serves the landing page and theme that the bucket holds', async () => {
    const [port] = await freePorts(1);
    const stack = await Stack.start(['control-plane', 'provisioner', 'edge'], {
      ASSET_BASE_URL: `http://127.0.0.1:${port}`,
    });
    const bucket = await startBucket(port!, stack.assetDir);
    try {
      const slug = uniqueSlug('bucket');
      await stack.api('POST', '/v1/tenants', { body: aTenant({ slug, branding: { primaryColor: '#445566' } }) });
      await stack.waitForReady(slug);

      const page = await stack.edge(`${slug}.localhost`);
      expect(page.status).toBe(200);
      const theme = /href="\/assets\/(theme-[0-9a-f]{16}\.css)"/.exec(page.text)![1]!;
      expect((await stack.edge(`${slug}.localhost`, `/assets/${theme}`)).text).toContain('#445566');
      expect(bucket.requested).toEqual(expect.arrayContaining([theme, expect.stringMatching(/^landing-/)]));
      expect((await stack.edge(`${slug}.localhost`, '/assets/theme-0000000000000000.css')).status).toBe(404);
    } finally {
      await stack.stop();
      bucket.server.close();
    }
  }, 90_000);
});
