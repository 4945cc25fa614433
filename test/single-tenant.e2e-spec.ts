import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { tenantDatabaseNames } from '@platform/database';
import { type PlatformApp, spawnApp, stopProcess, waitForHttp } from '../scripts/platform-processes.js';
import { PrivatePostgres } from './support/private-services.js';
import { REDIS_URL, Stack, edgeRequest, freePorts } from './support/stack.js';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NDJSON = { 'content-type': 'application/x-ndjson' };
const reading = (source: string, minute = 0) =>
  `${JSON.stringify({ source, metric: 'wind', ts: new Date(Date.UTC(2026, 10, 25, 10, minute)).toISOString(), value: 4.2 })}\n`;

interface Credential {
  databasePassword: string;
  tokenSigningKey: string;
}

/**
 * A tenant's own edge, counter and data API as on GKE: TENANT_MODE=single, the tenant's own login
 * role (on a server that checks passwords), its own JWT key and Redis prefix, no edge secret. The
 * workloads are called directly over HTTP, as the tenant's load balancer does; the edge serves the
 * landing page and the token endpoint.
 */
describe('Single-tenant workloads', () => {
  let postgres: PrivatePostgres;
  let stack: Stack;
  let a: TenantWithKey;
  let b: TenantWithKey;
  let credentialA: Credential;
  let credentialB: Credential;
  const workloads: ChildProcess[] = [];
  const logs: string[] = [];
  let counterUrl = '';
  let dataUrl = '';
  let edgeUrl = '';

  const credentialOf = async (slug: string): Promise<Credential> =>
    (
      await stack.pg<Credential>(
        `SELECT c."databasePassword", c."tokenSigningKey" FROM "TenantCredential" c JOIN "Tenant" t ON t.id = c."tenantId" WHERE t.slug = $1`,
        [slug],
      )
    )[0]!;

  beforeAll(async () => {
    const [pgPort, counterPort, dataPort, edgePort] = await freePorts(4);
    postgres = await PrivatePostgres.start(pgPort!, { passwords: true });
    stack = await Stack.start(['control-plane', 'provisioner'], {
      PG_SERVER: `postgresql://postgres@127.0.0.1:${pgPort}`,
      // The control plane collects the usage A's workloads write into A's schema, as on GKE.
      USAGE_COLLECT_INTERVAL_MS: '1000',
    });
    [a, b] = await Promise.all([onboardWithKey(stack, 'single-a'), onboardWithKey(stack, 'single-b')]);
    [credentialA, credentialB] = await Promise.all([credentialOf(a.slug), credentialOf(b.slug)]);

    const databaseUrl = new URL(stack.env.DATABASE_URL!);
    databaseUrl.username = tenantDatabaseNames(a.slug, stack.databaseName).login;
    databaseUrl.password = credentialA.databasePassword;
    // Only what the tenant's namespace holds on GKE: nothing of the platform's (no edge secret, no platform user).
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      TENANT_MODE: 'single',
      TENANT_ID: a.tenantId,
      TENANT_SLUG: a.slug,
      TENANT_TOKEN_SIGNING_KEY: credentialA.tokenSigningKey,
      DATABASE_URL: databaseUrl.toString(),
      REDIS_URL,
      REDIS_KEY_PREFIX: `t:${a.tenantId}:`,
      QUEUE_PREFIX: stack.env.QUEUE_PREFIX!,
      COUNTER_PORT: String(counterPort),
      DATA_API_PORT: String(dataPort),
      EDGE_PORT: String(edgePort),
      // The local target writes the branding bundle here; on GKE the edge reads the bucket (ASSET_BASE_URL).
      ASSET_DIR: stack.assetDir,
      DATA_INGESTION_SWEEP_MS: '1000',
      USAGE_FLUSH_INTERVAL_MS: '200',
    };
    counterUrl = `http://127.0.0.1:${counterPort}`;
    dataUrl = `http://127.0.0.1:${dataPort}`;
    edgeUrl = `http://127.0.0.1:${edgePort}`;
    for (const [app, url] of [
      ['counter', counterUrl],
      ['data-api', dataUrl],
      ['edge', edgeUrl],
    ] as [PlatformApp, string][]) {
      workloads.push(spawnApp(app, { env, onLine: (name, line) => logs.push(`[${name}] ${line}`) }));
      await waitForHttp(`${url}/ready`, 30_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${logs.slice(-20).join('\n')}`);
      });
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workloads.map((child) => stopProcess(child)));
    await stack?.stop();
    postgres?.destroy();
  });

  const tokenFor = (tenant: TenantWithKey, signingKey: string) =>
    new SignJWT({ tenant_id: tenant.tenantId, scopes: ['counter', 'data'] })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer('platform-edge')
      .setSubject(tenant.keyId)
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti(randomUUID())
      .sign(new Uint8Array(Buffer.from(signingKey, 'base64url')));

  it("serves its tenant's API key and JWT directly, with no edge signature", async () => {
    // The provisioner made A's usage table, owned by A's role, before any workload wrote to it.
    const names = tenantDatabaseNames(a.slug, stack.databaseName);
    expect(
      await stack.pg(
        `SELECT tableowner AS owner, (SELECT count(*)::int FROM "${names.schema}".usage_hours) AS rows
         FROM pg_tables WHERE schemaname = $1 AND tablename = 'usage_hours'`,
        [names.schema],
      ),
    ).toEqual([{ owner: names.role, rows: 0 }]);
    const counter = new CallerConnection(counterUrl, 'anything', a.key);
    const data = new CallerConnection(dataUrl, 'anything', a.key);
    try {
      expect(await counter.request('/v1/counters/orders/next', { method: 'POST' })).toEqual({
        status: 200,
        body: { name: 'orders', value: 1 },
      });
      expect((await counter.request('/v1/counters/orders/next', { method: 'POST' })).body).toEqual({
        name: 'orders',
        value: 2,
      });
      const stored = await data.request('/v1/measurements', {
        method: 'POST',
        headers: NDJSON,
        body: reading('park-a'),
      });
      expect(stored.status).toBe(200);
      const stats = await data.request<{ rows: { source: string; count: number }[] }>(
        '/v1/measurements/stats?groupBy=source&bucket=day',
      );
      expect(stats.status).toBe(200);
      expect(stats.body.rows).toEqual([expect.objectContaining({ source: 'park-a', count: 1 })]);

      const jwt = await tokenFor(a, credentialA.tokenSigningKey);
      const viaJwt = await counter.request('/v1/counters/orders/next', {
        method: 'POST',
        authorization: `Bearer ${jwt}`,
      });
      expect(viaJwt).toEqual({ status: 200, body: { name: 'orders', value: 3 } });
    } finally {
      await Promise.all([counter.close(), data.close()]);
    }
    // Its usage is metered into A's own schema (a platform table is out of its login role's reach).
    const schema = tenantDatabaseNames(a.slug, stack.databaseName).schema;
    let metered: { value: string }[] = [];
    for (let tries = 0; tries < 50 && !metered.length; tries++, await sleep(100))
      metered = await stack.pg(
        `SELECT sum(value)::text AS value FROM "${schema}".usage_hours WHERE metric = 'counter_values' HAVING sum(value) >= 3`,
      );
    expect(metered).toEqual([{ value: '3' }]);
    // The rows are in A's schema, written through A's own role.
    const rows = await stack.pg(
      `SELECT source FROM "${tenantDatabaseNames(a.slug, stack.databaseName).schema}".measurements`,
    );
    expect(rows).toEqual([{ source: 'park-a' }]);
  });

  it("refuses another tenant's key and token, a token signed with another key, and no credential: 401", async () => {
    const jwtOfB = await tokenFor(b, credentialB.tokenSigningKey);
    // A's claims, signed with B's key.
    const forged = await tokenFor(a, credentialB.tokenSigningKey);
    for (const url of [counterUrl, dataUrl]) {
      const caller = new CallerConnection(url, 'anything', b.key);
      const path = url === counterUrl ? '/v1/counters/orders' : '/v1/measurements/stats?groupBy=source&bucket=day';
      try {
        for (const authorization of [`Bearer ${b.key}`, `Bearer ${jwtOfB}`, `Bearer ${forged}`, null]) {
          const answer = await caller.request<{ error: string }>(path, { authorization });
          expect({ authorization, status: answer.status, error: answer.body.error }).toEqual({
            authorization,
            status: 401,
            error: 'Unauthenticated',
          });
        }
      } finally {
        await caller.close();
      }
    }
  });

  it('consumes only its own queue and keeps every Redis key under its prefix', async () => {
    const data = new CallerConnection(dataUrl, 'anything', a.key);
    try {
      const submitted = await data.request<{ ingestionId: string }>('/v1/measurements?async=true', {
        method: 'POST',
        headers: NDJSON,
        body: reading('park-async', 1),
      });
      expect(submitted.status).toBe(202);
      const deadline = Date.now() + 20_000;
      let state = 'queued';
      while (state === 'queued' && Date.now() < deadline) {
        await sleep(100);
        state = (await data.request<{ state: string }>(`/v1/ingestions/${submitted.body.ingestionId}`)).body.state;
      }
      expect(state).toBe('completed');
    } finally {
      await data.close();
    }
    const redis = new Redis(REDIS_URL);
    try {
      const prefix = stack.env.QUEUE_PREFIX!;
      const own = await redis.keys(`t:${a.tenantId}:${prefix}:*`);
      expect(own.some((key) => key.startsWith(`t:${a.tenantId}:${prefix}:data-ingestion:ingestion-`))).toBe(true);
      expect(own.some((key) => key.startsWith(`t:${a.tenantId}:${prefix}:data:stats:${a.tenantId}:`))).toBe(true);
      // Nothing of A's outside its prefix (the platform's own dashboard keeps a queue's meta key there).
      const outside = await redis.keys(`${prefix}:data*`);
      expect(outside.filter((key) => key.includes(a.tenantId) || key.includes(':data:stats:'))).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('refuses a revoked key within the key cache time (5 s)', async () => {
    const issued = await stack.api<{ id: string; key: string }>('POST', `/v1/tenants/${a.slug}/api-keys`, {
      body: { name: 'to-revoke' },
    });
    const caller = new CallerConnection(counterUrl, 'anything', issued.body.key);
    try {
      expect((await caller.request('/v1/counters/revoked/next', { method: 'POST' })).status).toBe(200);
      expect((await stack.api('DELETE', `/v1/tenants/${a.slug}/api-keys/${issued.body.id}`)).status).toBe(204);
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 10_000) {
        status = (await caller.request('/v1/counters/revoked/next', { method: 'POST' })).status;
        if (status === 200) await sleep(100);
      }
      expect(status).toBe(401);
      expect(Date.now() - revokedAt).toBeLessThan(6_500);
    } finally {
      await caller.close();
    }
  });

  const tokenFromEdge = (host: string, key: string, body?: string) =>
    edgeRequest(edgeUrl, host, '/api/auth/token', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body,
    });

  it("its own edge trades the tenant's key for a JWT its counter accepts; another tenant's key is invalid_client", async () => {
    // Any hostname is this tenant's: the edge reads no route table (a custom domain it was never told of).
    const issued = await tokenFromEdge(`shop.${a.slug}.example`, a.key);
    expect(issued.status).toBe(200);
    const token = JSON.parse(issued.body) as { access_token: string; token_type: string; scope: string };
    expect(token).toEqual(expect.objectContaining({ token_type: 'Bearer', scope: 'counter data:read data:write' }));
    const counter = new CallerConnection(counterUrl, 'anything', token.access_token);
    try {
      expect(await counter.request('/v1/counters/via-edge/next', { method: 'POST' })).toEqual({
        status: 200,
        body: { name: 'via-edge', value: 1 },
      });
      // Narrowed at the token endpoint, the token no longer buys the counter.
      const narrowed = await tokenFromEdge(a.host, a.key, 'grant_type=client_credentials&scope=data:read');
      const readOnly = (JSON.parse(narrowed.body) as { access_token: string }).access_token;
      const refused = await counter.request<{ error: string }>('/v1/counters/via-edge/next', {
        method: 'POST',
        authorization: `Bearer ${readOnly}`,
      });
      expect({ status: refused.status, error: refused.body.error }).toEqual({
        status: 403,
        error: 'InsufficientScope',
      });
    } finally {
      await counter.close();
    }

    const foreign = await tokenFromEdge(a.host, b.key);
    expect(foreign.status).toBe(401);
    expect(JSON.parse(foreign.body)).toEqual(expect.objectContaining({ error: 'invalid_client' }));
    expect(foreign.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it("grants exactly the scopes of the key as the tenant's schema has them", async () => {
    const issued = await stack.api<{ key: string }>('POST', `/v1/tenants/${a.slug}/api-keys`, {
      body: { name: 'reader', scopes: ['data:read'] },
    });
    expect(issued.status).toBe(201);
    const token = await tokenFromEdge(a.host, issued.body.key);
    expect({ status: token.status, scope: (JSON.parse(token.body) as { scope: string }).scope }).toEqual({
      status: 200,
      scope: 'data:read',
    });
    const wider = await tokenFromEdge(a.host, issued.body.key, 'grant_type=client_credentials&scope=counter');
    expect({ status: wider.status, error: (JSON.parse(wider.body) as { error: string }).error }).toEqual({
      status: 400,
      error: 'invalid_scope',
    });
  });

  it("serves the tenant's branded landing page, its probes on the pod's address only, and relays no workload call", async () => {
    const landing = await edgeRequest(edgeUrl, a.host, '/');
    expect(landing.status).toBe(200);
    expect(landing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(landing.body).toContain(`Tenant ${a.slug}`);
    expect(landing.body).not.toContain(`Tenant ${b.slug}`);

    // On GKE the load balancer sends /api/counter/* and /api/data/* to the workloads, never here.
    const relayed = await edgeRequest(edgeUrl, a.host, '/api/counter/v1/counters/orders', {
      headers: { authorization: `Bearer ${a.key}` },
    });
    expect({ status: relayed.status, error: (JSON.parse(relayed.body) as { error: string }).error }).toEqual({
      status: 404,
      error: 'NotFound',
    });
    expect((await edgeRequest(edgeUrl, a.host, '/ready')).status).toBe(404);
    expect((await edgeRequest(edgeUrl, '127.0.0.1', '/ready')).status).toBe(200);
    expect((await edgeRequest(edgeUrl, 'localhost', '/metrics')).status).toBe(200);
  });

  it('counts its own calls by workload and status class, refusals included, and the control plane collects them exactly', async () => {
    const schema = tenantDatabaseNames(a.slug, stack.databaseName).schema;
    const ownRequests = async () =>
      Object.fromEntries(
        (
          await stack.pg<{ metric: string; value: string }>(
            `SELECT metric, sum(value)::text AS value FROM "${schema}".usage_hours WHERE metric LIKE 'requests:%' GROUP BY metric`,
          )
        ).map(({ metric, value }) => [metric, Number(value)]),
      );
    const collected = async () => {
      const answer = await stack.api<{ rows: { apiRequests: number }[] }>('GET', `/v1/tenants/${a.slug}/usage`);
      return answer.body.rows.reduce((sum, row) => sum + row.apiRequests, 0);
    };
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, n) => total + n, 0);
    const waitUntil = async (done: () => Promise<boolean>) => {
      for (const deadline = Date.now() + 15_000; !(await done()) && Date.now() < deadline;) await sleep(200);
    };
    // Earlier tests' calls: flushed (200 ms) and collected (1 s) before counting on from there.
    await sleep(500);
    const before = await ownRequests();
    await waitUntil(async () => (await collected()) === sum(before));
    expect(await collected()).toBe(sum(before));

    const counter = new CallerConnection(counterUrl, 'anything', a.key);
    const data = new CallerConnection(dataUrl, 'anything', a.key);
    try {
      // The counter's fast path, its full route, the data API, and a refusal of each (no credential).
      expect((await counter.request('/v1/counters/metered/next', { method: 'POST' })).status).toBe(200);
      expect((await counter.request('/v1/counters/metered')).status).toBe(200);
      expect((await data.request('/v1/measurements/stats?groupBy=source&bucket=day')).status).toBe(200);
      expect((await counter.request('/v1/counters/metered/next', { method: 'POST', authorization: null })).status).toBe(
        401,
      );
      expect((await data.request('/v1/measurements', { authorization: null })).status).toBe(401);
    } finally {
      await Promise.all([counter.close(), data.close()]);
    }
    // Probes are not tenant calls.
    expect((await edgeRequest(counterUrl, '127.0.0.1', '/ready')).status).toBe(200);

    await waitUntil(async () => (await collected()) === sum(before) + 5);
    expect(await collected()).toBe(sum(before) + 5);
    const after = await ownRequests();
    const added = (metric: string) => (after[metric] ?? 0) - (before[metric] ?? 0);
    expect({
      counter2xx: added('requests:counter:2xx'),
      counter4xx: added('requests:counter:4xx'),
      data2xx: added('requests:data:2xx'),
      data4xx: added('requests:data:4xx'),
    }).toEqual({ counter2xx: 2, counter4xx: 1, data2xx: 1, data4xx: 1 });

    // A collected row of an hour past the retention (35 days) leaves A's table; the platform keeps it.
    await stack.pg(
      `INSERT INTO "${schema}".usage_hours (hour, metric, value, updated_at)
       VALUES (date_trunc('hour', now() - interval '40 days'), 'requests:counter:2xx', 7, now() - interval '55 seconds')`,
    );
    const old = () =>
      stack.pg(
        `SELECT 1 FROM "${schema}".usage_hours WHERE hour < now() - interval '35 days' AND metric = 'requests:counter:2xx'`,
      );
    const kept = () =>
      stack.pg<{ value: string }>(
        `SELECT u.value::text AS value FROM "UsageHour" u JOIN "Tenant" t ON t.id = u."tenantId"
         WHERE t.slug = $1 AND u.hour < now() - interval '35 days'`,
        [a.slug],
      );
    const caller = new CallerConnection(counterUrl, 'anything', a.key);
    try {
      // Pruned once a later collection has moved past it, so keep calling meanwhile.
      await waitUntil(async () => {
        await caller.request('/v1/counters/metered/next', { method: 'POST' });
        return (await old()).length === 0;
      });
    } finally {
      await caller.close();
    }
    expect(await old()).toEqual([]);
    expect(await kept()).toEqual([{ value: '7' }]);
  }, 60_000);

  // Last: it suspends A.
  it('shows the suspended page within the site cache time (5 s) once the provisioner converged, and issues no token', async () => {
    expect((await stack.api('POST', `/v1/tenants/${a.slug}/suspend`)).status).toBe(202);
    await stack.waitForTenant(a.slug, (tenant) => tenant.status?.phase === 'Suspended');
    const convergedAt = Date.now();
    let page = await edgeRequest(edgeUrl, a.host, '/');
    while (page.status !== 503 && Date.now() - convergedAt < 10_000) {
      await sleep(100);
      page = await edgeRequest(edgeUrl, a.host, '/');
    }
    expect(page.status).toBe(503);
    expect(page.body).toContain(`Tenant ${a.slug} is suspended`);
    expect(Date.now() - convergedAt).toBeLessThan(6_500);
    const token = await tokenFromEdge(a.host, a.key);
    expect({ status: token.status, error: (JSON.parse(token.body) as { error: string }).error }).toEqual({
      status: 404,
      error: 'TenantNotFound',
    });
  });
});
