import { Readable } from 'node:stream';
import { Client } from 'undici';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { problemsIn } from './counter.support.js';
import { PrivatePostgres, PrivateRedis } from './support/private-services.js';
import { Stack, edgeRequest, freePorts, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function onboard(stack: Stack, count: number, prefix: string): Promise<string[]> {
  const slugs = Array.from({ length: count }, () => uniqueSlug(prefix));
  const answers = await Promise.all(slugs.map((slug) => stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) })));
  answers.forEach((answer) => expect(answer.status).toBe(202));
  return slugs;
}

/** A body that trickles out over `ms`, so the request is still in flight when a dependency goes away. */
function trickle(lines: string[], ms: number): Readable {
  return Readable.from(
    (async function* () {
      for (const line of lines) {
        yield Buffer.from(line);
        await sleep(ms / lines.length);
      }
    })(),
  );
}

const readingLines = (count: number, source: string) =>
  Array.from(
    { length: count },
    (_, index) =>
      `${JSON.stringify({ source, metric: 'm', ts: new Date(Date.UTC(2026, 0, 1) + index * 1_000).toISOString(), value: index })}\n`,
  );

/** One slow upload through the edge; the answer's status, error and Retry-After. */
async function slowUpload(
  stack: Stack,
  tenant: TenantWithKey,
  path: string,
  contentType: string,
  body: Readable,
): Promise<{ status: number; error?: string; retryAfter?: string }> {
  const client = new Client(stack.edgeUrl);
  try {
    const response = await client.request({
      path,
      method: path.includes('/records') ? 'PUT' : 'POST',
      headers: { host: tenant.host, authorization: `Bearer ${tenant.key}`, 'content-type': contentType },
      body,
    });
    const text = await response.body.text();
    const retryAfter = response.headers['retry-after'];
    return {
      status: response.statusCode,
      error: (JSON.parse(text) as { error?: string }).error,
      retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
    };
  } finally {
    await client.close();
  }
}

async function eventually<T>(call: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await call().catch(() => undefined);
    if (value !== undefined && ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`Not served again within ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(250);
  }
}

function expectAllAlive(stack: Stack): void {
  const exited = [...stack.processes.entries()]
    .filter(([, child]) => child.exitCode !== null || child.signalCode !== null)
    .map(([app]) => app);
  expect(exited).toEqual([]);
}

/**
 * Faults on real processes. Each test runs its own Postgres or Redis server on a free port, so
 * stopping it never disturbs the other test files running at the same time.
 */
describe('The platform under dependency faults', () => {
  it('answers 503 (not 500) while Postgres restarts, and every tenant onboarded around it ends Ready', async () => {
    const [port] = await freePorts(1);
    const postgres = await PrivatePostgres.start(port!);
    const stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter'], {
      PG_SERVER: `postgresql://postgres@127.0.0.1:${port}`,
      PROVISIONER_MAX_ATTEMPTS: '12',
    });
    try {
      const tenant = await onboardWithKey(stack, 'pgdown-counter');
      const caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
      // Warms the edge's route and the counter's key caches, so the call below reaches the counter's store.
      expect((await caller.request('/api/counter/v1/counters')).status).toBe(200);
      const slugs = await onboard(stack, 20, 'pgdown');
      postgres.down();

      const counters = await caller.request<{ error: string }>('/api/counter/v1/counters');
      await caller.close();
      expect(counters).toMatchObject({ status: 503, body: { error: 'DependencyUnavailable' } });

      const during = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug: uniqueSlug('during') }) });
      expect(during.status).toBe(503);
      expect(during.body).toMatchObject({ error: 'DependencyUnavailable', message: expect.any(String) });
      expect(during.text).not.toMatch(/\bat .*\.js:\d+/);
      expect(during.headers.get('retry-after')).toBe('5');
      const read = await stack.api('GET', `/v1/tenants/${slugs[0]}`);
      expect(read.status).toBe(503);
      expect((await stack.api('GET', '/ready', { token: null })).status).toBe(503);

      await sleep(2_000);
      await postgres.up();
      for (const slug of slugs) await stack.waitForReady(slug, 60_000);
      expect((await stack.edge(`${slugs[0]}.localhost`)).status).toBe(200);
    } finally {
      await stack.stop();
      postgres.destroy();
    }
  }, 150_000);

  it('accepts onboardings while Redis is down for 10 s, and runs them all once it is back', async () => {
    const [port] = await freePorts(1);
    const redis = new PrivateRedis(port!);
    await redis.up();
    const stack = await Stack.start(['control-plane', 'provisioner', 'edge'], { REDIS_URL: redis.url });
    try {
      await redis.down();
      const slugs = await onboard(stack, 10, 'redisdown');
      // The admin API still serves (changes wait in Postgres), so it stays ready, saying what is degraded.
      const ready = await stack.api('GET', '/ready', { token: null });
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', degraded: ['redis'] });
      expect(ready.body.checks.redis).not.toBe('ok');
      await sleep(10_000);
      const pending = await stack.pg<{ phase: string }>(`SELECT phase FROM "Tenant" WHERE slug = ANY($1)`, [slugs]);
      expect(pending.map((row) => row.phase)).toEqual(slugs.map(() => 'Pending'));

      await redis.up();
      for (const slug of slugs) await stack.waitForReady(slug, 60_000);
    } finally {
      await stack.stop();
      await redis.down();
    }
  }, 150_000);

  it('keeps every app that can serve without Redis ready while Redis is down, and they serve', async () => {
    const [port] = await freePorts(1);
    const redis = new PrivateRedis(port!);
    await redis.up();
    const stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api'], {
      REDIS_URL: redis.url,
    });
    try {
      const tenant = await onboardWithKey(stack, 'rdy');
      const caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
      expect((await caller.request('/api/counter/v1/counters')).status).toBe(200);
      await redis.down();
      await sleep(500);

      const readiness = async (port: string, host = '127.0.0.1') => {
        const answer = await edgeRequest(`http://127.0.0.1:${port}`, host, '/ready');
        return { status: answer.status, body: JSON.parse(answer.text) as { checks: Record<string, string> } };
      };
      const { env } = stack;
      expect(await readiness(env.COUNTER_PORT!)).toEqual({
        status: 200,
        body: { status: 'ok', checks: { postgres: 'ok' } },
      });
      for (const [port, host] of [
        [env.DATA_API_PORT!, '127.0.0.1'],
        [env.CONTROL_PLANE_PORT!, '127.0.0.1'],
        [env.EDGE_PORT!, 'localhost'],
      ] as const) {
        const answer = await readiness(port, host);
        expect(answer).toMatchObject({ status: 200, body: { status: 'ok', degraded: ['redis'] } });
        expect(answer.body.checks.postgres).toBe('ok');
        expect(answer.body.checks.redis).not.toBe('ok');
      }
      // The provisioner's work is the queue: without Redis it cannot do any.
      expect(await readiness(env.PROVISIONER_PORT!)).toMatchObject({ status: 503, body: { status: 'unavailable' } });

      expect((await caller.request('/api/counter/v1/counters/orders/next', { method: 'POST' })).status).toBe(200);
      const ingested = await caller.request('/api/data/v1/measurements', {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: '{"source":"s","metric":"m","ts":"2026-11-25T10:00:00Z","value":1}\n',
      });
      expect(ingested.status).toBeLessThan(300);
      const stats = await caller.request('/api/data/v1/measurements/stats?groupBy=source&bucket=day');
      expect(stats.status).toBe(200);
      await caller.close();
    } finally {
      await stack.stop();
      await redis.down();
    }
  }, 150_000);

  it('shows clients errors only while the edge or the counter is down, and never a repeated value', async () => {
    const stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter']);
    try {
      const tenant = await onboardWithKey(stack, 'killed');
      const clients = [0, 1].map(() => new CallerConnection(stack.edgeUrl, tenant.host, tenant.key));
      const values: number[][] = [[], []];
      const errorTimes: number[] = [];
      let stop = false;
      const load = clients.map(async (client, index) => {
        while (!stop) {
          try {
            values[index]!.push(await client.next('/api/counter', 'orders'));
          } catch {
            errorTimes.push(Date.now());
            await sleep(20);
          }
        }
      });
      const served = () => values[0]!.length + values[1]!.length;
      const serveMore = async (count: number) => {
        const target = served() + count;
        while (served() < target) await sleep(10);
      };
      const outages: [number, number][] = [];
      const outage = async (app: 'edge' | 'counter') => {
        const down = Date.now();
        await stack.stopApp(app, 'SIGKILL');
        await sleep(500);
        await stack.startApp(app);
        outages.push([down, Date.now()]);
      };

      await serveMore(500);
      await outage('edge');
      await serveMore(500);
      await outage('counter');
      await serveMore(500);
      stop = true;
      await Promise.all(load);
      await Promise.all(clients.map((client) => client.close()));

      expect(errorTimes.length).toBeGreaterThan(0);
      // A request in flight when the process came back may still fail: one second of grace.
      const outsideOutages = errorTimes.filter(
        (time) => !outages.some(([down, up]) => time >= down && time <= up + 1_000),
      );
      expect(outsideOutages).toEqual([]);
      expect(problemsIn(values)).toEqual({ duplicates: [], nonIncreasing: 0 });
    } finally {
      await stack.stop();
    }
  }, 150_000);

  it('fails only the requests in flight when Postgres goes away mid-request (stream, import, async, counter), and no process exits', async () => {
    const [port] = await freePorts(1);
    const postgres = await PrivatePostgres.start(port!);
    const stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api'], {
      PG_SERVER: `postgresql://postgres@127.0.0.1:${port}`,
    });
    try {
      const tenant = await onboardWithKey(stack, 'pgmid');
      const caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
      const ingest = (body: string) =>
        caller.request<{ accepted: number }>('/api/data/v1/measurements', {
          method: 'POST',
          headers: { 'content-type': 'application/x-ndjson' },
          body,
        });
      expect((await ingest(readingLines(1, 'warm').join(''))).status).toBe(200);
      expect((await caller.request('/api/counter/v1/counters/burst/next', { method: 'POST' })).status).toBe(200);

      const ndjson = 'application/x-ndjson';
      const inFlight = [
        slowUpload(stack, tenant, '/api/data/v1/measurements', ndjson, trickle(readingLines(40, 'stream'), 3_000)),
        slowUpload(
          stack,
          tenant,
          '/api/data/v1/measurements?async=true',
          ndjson,
          trickle(readingLines(40, 'queued'), 3_000),
        ),
        slowUpload(
          stack,
          tenant,
          '/api/data/v1/collections/c/import',
          'application/json',
          trickle(['{', ...Array.from({ length: 40 }, (_, i) => `${i ? ',' : ''}"k${i}":{"n":${i}}`), '}'], 3_000),
        ),
      ];
      const burst = (async () => {
        const statuses: number[] = [];
        const until = Date.now() + 3_000;
        while (Date.now() < until) {
          const answer = await caller
            .request('/api/counter/v1/counters/burst/next', { method: 'POST' })
            .catch(() => ({ status: 0 }));
          statuses.push(answer.status);
        }
        return statuses;
      })();
      await sleep(1_000);
      postgres.down();

      for (const answer of await Promise.all(inFlight)) {
        expect(answer).toMatchObject({ status: 503, error: 'DependencyUnavailable', retryAfter: '5' });
      }
      const statuses = await burst;
      expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
      await sleep(500);
      expectAllAlive(stack);

      await postgres.up();
      await eventually(
        () => ingest(readingLines(1, 'after').join('')),
        (answer) => answer.status === 200,
      );
      await eventually(
        () => caller.request('/api/counter/v1/counters/burst/next', { method: 'POST' }),
        (answer) => answer.status === 200,
      );
      expectAllAlive(stack);
      await caller.close();
    } finally {
      await stack.stop();
      postgres.destroy();
    }
  }, 150_000);

  it('keeps the data API and the counter serving while Redis goes away mid-request, and runs queued ingestions once it is back', async () => {
    const [port] = await freePorts(1);
    const redis = new PrivateRedis(port!);
    await redis.up();
    const stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api'], {
      REDIS_URL: redis.url,
      DATA_INGESTION_SWEEP_MS: '2000',
    });
    try {
      const tenant = await onboardWithKey(stack, 'redismid');
      const caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
      const ndjson = 'application/x-ndjson';
      const queued = slowUpload(
        stack,
        tenant,
        '/api/data/v1/measurements?async=true',
        ndjson,
        trickle(readingLines(20, 'queued'), 2_000),
      );
      const streamed = slowUpload(
        stack,
        tenant,
        '/api/data/v1/measurements',
        ndjson,
        trickle(readingLines(20, 'stream'), 2_000),
      );
      await sleep(500);
      await redis.down();

      // Redis carries only the queue and the stats cache: both uploads are stored (the queued one waits for Redis).
      expect((await streamed).status).toBe(200);
      const submitted = await queued;
      expect(submitted.status).toBe(202);
      const stats = await caller.request('/api/data/v1/measurements/stats?groupBy=source&bucket=day');
      expect(stats.status).toBe(200);
      const counter = await caller.request('/api/counter/v1/counters/r/next', { method: 'POST' });
      expect([200, 503]).toContain(counter.status);
      await sleep(1_000);
      expectAllAlive(stack);

      await redis.up();
      await eventually(
        () =>
          caller.request<{ rows: { source: string; count: number }[] }>(
            '/api/data/v1/measurements/stats?groupBy=source&bucket=day',
          ),
        (answer) => answer.body.rows?.some((row) => row.source === 'queued' && row.count === 20) ?? false,
        60_000,
      );
      expectAllAlive(stack);
      await caller.close();
    } finally {
      await stack.stop();
      await redis.down();
    }
  }, 150_000);
});
