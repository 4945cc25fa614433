import { Redis } from 'ioredis';
import { REDIS_URL, Stack, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

/** Postgres is the source of truth: losing a worker or the whole queue must not lose a tenant. */
describe('Provisioning recovers from crashes and lost jobs', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge']);
  }, 90_000);

  afterAll(() => stack.stop());

  async function onboard(count: number, prefix: string): Promise<string[]> {
    const slugs = Array.from({ length: count }, () => uniqueSlug(prefix));
    const answers = await Promise.all(
      slugs.map((slug) => stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) })),
    );
    answers.forEach((answer) => expect(answer.status).toBe(202));
    return slugs;
  }

  it('brings every tenant to Ready after the provisioner is killed (-9) in the middle of its jobs', async () => {
    const slugs = await onboard(20, 'crash');
    // Kill as soon as work is under way, so some jobs are active, some done and some still queued.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const [{ started }] = await stack.pg<{ started: number }>(
        `SELECT count(*)::int AS started FROM "ProvisioningJob" WHERE state <> 'queued' AND "tenantId" IN
           (SELECT id FROM "Tenant" WHERE slug = ANY($1))`,
        [slugs],
      );
      if (started > 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await stack.stopApp('provisioner', 'SIGKILL');
    const [{ ready }] = await stack.pg<{ ready: number }>(
      `SELECT count(*)::int AS ready FROM "Tenant" WHERE slug = ANY($1) AND phase = 'Ready'`,
      [slugs],
    );
    expect(ready).toBeLessThan(slugs.length);

    await stack.startApp('provisioner');
    for (const slug of slugs) await stack.waitForReady(slug, 45_000);
    for (const slug of slugs.slice(0, 3)) expect((await stack.edge(`${slug}.localhost`)).status).toBe(200);
  }, 120_000);

  it('re-enqueues pending tenants from Postgres after Redis loses every job (FLUSHALL)', async () => {
    await stack.stopApp('provisioner');
    const slugs = await onboard(5, 'flush');
    const redis = new Redis(REDIS_URL);
    try {
      // The 202 does not wait for Redis: the five jobs follow within the enqueue window.
      const ids = await Promise.all(slugs.map(async (slug) => (await stack.api('GET', `/v1/tenants/${slug}`)).body.id));
      const jobKeys = ids.map((id) => `${stack.env.QUEUE_PREFIX}:provisioning:tenant-${id}-g1`);
      const deadline = Date.now() + 5_000;
      while ((await redis.exists(...jobKeys)) < jobKeys.length && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(await redis.exists(...jobKeys)).toBe(jobKeys.length);
      await redis.flushall();
      expect(await redis.keys(`${stack.env.QUEUE_PREFIX}:provisioning:*`)).toHaveLength(0);
    } finally {
      redis.disconnect();
    }
    const pending = await stack.api('GET', `/v1/tenants/${slugs[0]}`);
    expect(pending.body.status.phase).toBe('Pending');

    await stack.startApp('provisioner');
    for (const slug of slugs) await stack.waitForReady(slug, 30_000);
  }, 90_000);
});
