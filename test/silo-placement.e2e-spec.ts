import pg from 'pg';
import { databaseUrlFor, quoteIdent, tenantDatabaseNames } from '@platform/database';
import { NDJSON, ndjson } from './data.support.js';
import { Stack } from './support/stack.js';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';

/** Silo placement on the local target: an enterprise tenant's data in a database of its own. */
describe('Silo placement (local target)', () => {
  let stack: Stack;
  let silo: TenantWithKey;
  let pooled: TenantWithKey;
  let siloCaller: CallerConnection;
  let pooledCaller: CallerConnection;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api']);
    [silo, pooled] = await Promise.all([
      onboardWithKey(stack, 'silo-ent', { tier: 'enterprise' }),
      onboardWithKey(stack, 'silo-biz', { tier: 'business' }),
    ]);
    siloCaller = new CallerConnection(stack.edgeUrl, silo.host, silo.key);
    pooledCaller = new CallerConnection(stack.edgeUrl, pooled.host, pooled.key);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([siloCaller?.close(), pooledCaller?.close()]);
    await stack?.stop();
  });

  const names = (tenant: TenantWithKey) => tenantDatabaseNames(tenant.slug, stack.databaseName);
  const siloDatabaseOf = async (tenant: TenantWithKey): Promise<string> =>
    (await stack.api('GET', `/v1/tenants/${tenant.slug}`)).body.placement.database;

  /** Rows of one database on the test server, as its superuser. */
  async function query<T extends pg.QueryResultRow>(database: string, sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: databaseUrlFor(stack.env.DATABASE_URL!, database) });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  async function writeThroughEdge(caller: CallerConnection, source: string): Promise<void> {
    expect(await caller.next('/api/counter', 'orders')).toBe(1);
    expect(await caller.next('/api/counter', 'orders')).toBe(2);
    const rows = [
      { source, metric: 'power_kw', ts: '2026-03-01T10:00:00Z', value: 1.5 },
      { source, metric: 'power_kw', ts: '2026-03-01T11:00:00Z', value: 2.5 },
    ];
    const posted = await caller.request('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson(rows),
    });
    expect(posted).toEqual({ status: 200, body: { accepted: 2 } });
  }

  it('shows where each tenant lives', async () => {
    const enterprise = await stack.api('GET', `/v1/tenants/${silo.slug}`);
    expect(enterprise.body.placement).toEqual({
      model: 'silo',
      database: expect.stringMatching(new RegExp(`^${names(silo).schema}_d[0-9a-f]{8}$`)),
    });
    expect((await stack.api('GET', `/v1/tenants/${pooled.slug}`)).body.placement).toEqual({ model: 'pooled' });
    const listed = await stack.api('GET', '/v1/tenants?limit=200');
    const bySlug = new Map(listed.body.items.map((item: { slug: string }) => [item.slug, item]));
    expect(bySlug.get(silo.slug)).toMatchObject({ placement: enterprise.body.placement });
    expect(bySlug.get(pooled.slug)).toMatchObject({ placement: { model: 'pooled' } });
  });

  it("keeps an enterprise tenant's rows in its own database and nowhere else", async () => {
    await writeThroughEdge(siloCaller, 'silo-park');
    await writeThroughEdge(pooledCaller, 'pooled-park');
    const database = await siloDatabaseOf(silo);
    const siloSchema = quoteIdent(names(silo).schema);
    const pooledSchema = quoteIdent(names(pooled).schema);

    // In its own database: its schema, its counter and its measurements, read back as written.
    expect(await query(database, `SELECT source FROM ${siloSchema}.measurements ORDER BY ts`)).toEqual([
      { source: 'silo-park' },
      { source: 'silo-park' },
    ]);
    expect(await query(database, `SELECT name FROM ${siloSchema}.counters`)).toEqual([{ name: 'orders' }]);
    // The silo database holds no other tenant's schema.
    expect(await query(database, `SELECT 1 FROM pg_namespace WHERE nspname = '${names(pooled).schema}'`)).toEqual([]);

    // The pooled database has no schema, table or role-owned relation of the silo tenant.
    expect(await stack.pg(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [names(silo).schema])).toEqual([]);
    expect(
      await stack.pg(`SELECT 1 FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = $1)`, [
        names(silo).role,
      ]),
    ).toEqual([]);
    // The business tenant's rows are in the pooled database only.
    expect(await stack.pg(`SELECT source FROM ${pooledSchema}.measurements`)).toEqual([
      { source: 'pooled-park' },
      { source: 'pooled-park' },
    ]);
    expect(await stack.pg(`SELECT name FROM ${pooledSchema}.counters`)).toEqual([{ name: 'orders' }]);

    // Nobody but its own role (and the platform's owner) may connect to the silo database.
    const [acl] = await stack.pg<{ acl: string }>(`SELECT datacl::text AS acl FROM pg_database WHERE datname = $1`, [
      database,
    ]);
    expect(acl!.acl).toContain(`${names(silo).role}=c/`);
    expect(acl!.acl).not.toMatch(/[{,]=/);
  });

  it('refuses a tier change between pooled and silo with a clear error, and changes nothing', async () => {
    const before = (await stack.api('GET', `/v1/tenants/${pooled.slug}`)).body;
    const refused = await stack.api('PATCH', `/v1/tenants/${pooled.slug}`, {
      body: { tier: 'enterprise', displayName: 'Renamed' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      error: 'PlacementChangeRefused',
      message: expect.stringContaining('offboard the tenant and onboard it again'),
    });
    const back = await stack.api('PATCH', `/v1/tenants/${silo.slug}`, { body: { tier: 'starter' } });
    expect(back.status).toBe(409);
    expect(back.body.error).toBe('PlacementChangeRefused');

    const after = (await stack.api('GET', `/v1/tenants/${pooled.slug}`)).body;
    expect(after).toEqual(before);
    expect((await stack.api('GET', `/v1/tenants/${pooled.slug}/jobs`)).body.items).toHaveLength(1);

    // Within the pool a tier change is an ordinary change.
    expect((await stack.api('PATCH', `/v1/tenants/${pooled.slug}`, { body: { tier: 'starter' } })).status).toBe(202);
    await stack.waitForReady(pooled.slug);

    // An enterprise tenant onboarded before placements existed stays pooled: a PATCH that names the
    // tier it already has moves nothing and is not refused.
    await stack.pg(`UPDATE "Tenant" SET tier = 'enterprise' WHERE slug = $1`, [pooled.slug]);
    const kept = await stack.api('PATCH', `/v1/tenants/${pooled.slug}`, {
      body: { tier: 'enterprise', displayName: 'Kept in the pool' },
    });
    expect(kept.status).toBe(202);
    expect(kept.body).toMatchObject({ tier: 'enterprise', placement: { model: 'pooled' } });
    await stack.waitForReady(pooled.slug);
  });

  it('offboarding drops its database and its roles, and the workloads keep serving others', async () => {
    const database = await siloDatabaseOf(silo);
    expect(await stack.pg(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).toHaveLength(1);

    expect((await stack.api('DELETE', `/v1/tenants/${silo.slug}`)).status).toBe(202);
    await stack.waitForTenant(silo.slug, (tenant) => tenant.status.phase === 'Deleted');

    expect(await stack.pg(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).toEqual([]);
    expect(
      await stack.pg(`SELECT rolname FROM pg_roles WHERE rolname IN ($1, $2)`, [names(silo).role, names(silo).login]),
    ).toEqual([]);
    expect((await stack.edge(silo.host)).status).toBe(404);

    // The workloads heard their connections to it end and still serve the pooled tenant.
    expect(await pooledCaller.next('/api/counter', 'orders')).toBe(3);
    const stats = await pooledCaller.request<{ rows: unknown[] }>(
      '/api/data/v1/measurements/stats?groupBy=source&bucket=day',
    );
    expect(stats.status).toBe(200);
  });
});
