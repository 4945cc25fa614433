import pg from 'pg';
import { databaseUrlFor, quoteIdent, tenantDatabaseNames } from '@platform/database';
import { PrivatePostgres } from './support/private-services.js';
import { spawnApp, stopProcess, waitForHttp } from '../scripts/platform-processes.js';
import { REDIS_URL, Stack, freePorts } from './support/stack.js';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';

const SILO_USER = 'platform';
const SILO_PASSWORD = 'silo-platform-password';

/**
 * SILO_DATABASE_URL honoured: enterprise tenants' databases on a second Postgres server, as on GCP
 * (the silo Cloud SQL instance). That server checks passwords (SCRAM) for everyone but its superuser,
 * and the platform reaches it as a `platform` user with CREATEDB and CREATEROLE only, as on Cloud SQL;
 * the platform's own database stays on this machine's server.
 */
describe('Silo placement on a separate silo server (SILO_DATABASE_URL)', () => {
  let silo: PrivatePostgres;
  let stack: Stack;
  let enterprise: TenantWithKey;
  let business: TenantWithKey;
  let caller: CallerConnection;

  beforeAll(async () => {
    const [port] = await freePorts(1);
    silo = await PrivatePostgres.start(port!, { passwords: true });
    await onServer(silo.url, `CREATE ROLE ${SILO_USER} LOGIN CREATEDB CREATEROLE PASSWORD '${SILO_PASSWORD}'`);
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api'], {
      SILO_DATABASE_URL: `postgresql://${SILO_USER}:${SILO_PASSWORD}@127.0.0.1:${port}/postgres`,
    });
    [enterprise, business] = await Promise.all([
      onboardWithKey(stack, 'silo-srv-ent', { tier: 'enterprise' }),
      onboardWithKey(stack, 'silo-srv-biz', { tier: 'business' }),
    ]);
    caller = new CallerConnection(stack.edgeUrl, enterprise.host, enterprise.key);
  }, 120_000);

  afterAll(async () => {
    await caller?.close();
    await stack?.stop();
    silo?.destroy();
  });

  const names = (tenant: TenantWithKey) => tenantDatabaseNames(tenant.slug, stack.databaseName);
  const siloDatabaseOf = async (tenant: TenantWithKey): Promise<string> =>
    (await stack.api('GET', `/v1/tenants/${tenant.slug}`)).body.placement.database;
  const siloServer = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = [], database = 'postgres') =>
    onServer<T>(databaseUrlFor(silo.url, database), sql, params);
  const rolesOf = (tenant: TenantWithKey) => [names(tenant).role, names(tenant).login];
  const storedPassword = async (tenant: TenantWithKey): Promise<string> =>
    (
      await stack.pg<{ databasePassword: string }>(
        `SELECT "databasePassword" FROM "TenantCredential" WHERE "tenantId" = $1::uuid`,
        [tenant.tenantId],
      )
    )[0]!.databasePassword;
  /** The tenant's own workloads' way in (GKE): its login role and password, checked by the silo server. */
  const loginCode = async (tenant: TenantWithKey, password: string): Promise<string | undefined> => {
    const url = new URL(databaseUrlFor(silo.url, await siloDatabaseOf(tenant)));
    url.username = names(tenant).login;
    url.password = password;
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      await client.query(`SELECT count(*) FROM ${quoteIdent(names(tenant).schema)}.counters`);
      return 'ok';
    } catch (error) {
      return (error as { code?: string }).code;
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  it("makes the enterprise tenant's database, roles and login role on the silo server, owned by its platform user", async () => {
    const database = await siloDatabaseOf(enterprise);
    expect(
      await siloServer(`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1`, [database]),
    ).toEqual([{ owner: SILO_USER }]);
    expect(
      (
        await siloServer<{ rolname: string }>(`SELECT rolname FROM pg_roles WHERE rolname = ANY($1)`, [
          rolesOf(enterprise),
        ])
      )
        .map((row) => row.rolname)
        .sort(),
    ).toEqual([...rolesOf(enterprise)].sort());
    expect(
      await siloServer(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [names(enterprise).schema], database),
    ).toHaveLength(1);

    // Nothing of it on the platform's server: no database, no role, no schema.
    expect(await stack.pg(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).toEqual([]);
    expect(await stack.pg(`SELECT 1 FROM pg_roles WHERE rolname = ANY($1)`, [rolesOf(enterprise)])).toEqual([]);
    expect(await stack.pg(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [names(enterprise).schema])).toEqual([]);
    // The business tenant stays where it was: the platform's database, and no trace on the silo server.
    expect(await stack.pg(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [names(business).schema])).toHaveLength(1);
    expect(await siloServer(`SELECT 1 FROM pg_roles WHERE rolname = ANY($1)`, [rolesOf(business)])).toEqual([]);
  });

  it('serves the enterprise tenant from the silo server through the shared workloads', async () => {
    expect(await caller.next('/api/counter', 'orders')).toBe(1);
    expect(await caller.next('/api/counter', 'orders')).toBe(2);
    const database = await siloDatabaseOf(enterprise);
    expect(await siloServer(`SELECT name FROM ${quoteIdent(names(enterprise).schema)}.counters`, [], database)).toEqual(
      [{ name: 'orders' }],
    );
  });

  it('serves the enterprise tenant through its own single-tenant counter (GKE), on its database with its login role', async () => {
    // What its stack's Secret holds: its login role on the silo server and its own database.
    const url = new URL(databaseUrlFor(silo.url, await siloDatabaseOf(enterprise)));
    url.username = names(enterprise).login;
    url.password = await storedPassword(enterprise);
    const [counterPort] = await freePorts(1);
    const logs: string[] = [];
    const counter = spawnApp('counter', {
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        TENANT_MODE: 'single',
        TENANT_ID: enterprise.tenantId,
        TENANT_SLUG: enterprise.slug,
        TENANT_TOKEN_SIGNING_KEY: (
          await stack.pg<{ tokenSigningKey: string }>(
            `SELECT "tokenSigningKey" FROM "TenantCredential" WHERE "tenantId" = $1::uuid`,
            [enterprise.tenantId],
          )
        )[0]!.tokenSigningKey,
        DATABASE_URL: url.toString(),
        REDIS_URL,
        REDIS_KEY_PREFIX: `t:${enterprise.tenantId}:`,
        QUEUE_PREFIX: stack.env.QUEUE_PREFIX!,
        COUNTER_PORT: String(counterPort),
      },
      onLine: (name, line) => logs.push(`[${name}] ${line}`),
    });
    const own = new CallerConnection(`http://127.0.0.1:${counterPort}`, 'anything', enterprise.key);
    try {
      await waitForHttp(`http://127.0.0.1:${counterPort}/ready`, 30_000);
      const answer = await own.request('/v1/counters/own/next', { method: 'POST' });
      expect({ answer, logs: answer.status === 200 ? [] : logs.slice(-10) }).toEqual({
        answer: { status: 200, body: { name: 'own', value: 1 } },
        logs: [],
      });
    } finally {
      await own.close();
      await stopProcess(counter);
    }
  });

  it('sets and rotates the login role password on the silo server, where the server checks it', async () => {
    const before = await storedPassword(enterprise);
    expect(await loginCode(enterprise, before)).toBe('ok');
    expect((await stack.api('POST', `/v1/tenants/${enterprise.slug}/credentials/rotate`)).status).toBe(200);
    const after = await storedPassword(enterprise);
    expect(after).not.toBe(before);
    // 28P01 invalid_password: the old one stopped working on the silo server, the new one works there.
    expect(await loginCode(enterprise, before)).toBe('28P01');
    expect(await loginCode(enterprise, after)).toBe('ok');
    await stack.waitForReady(enterprise.slug);
  });

  it('offboarding drops its database and its roles on the silo server', async () => {
    const database = await siloDatabaseOf(enterprise);
    expect((await stack.api('DELETE', `/v1/tenants/${enterprise.slug}`)).status).toBe(202);
    await stack.waitForTenant(enterprise.slug, (tenant) => tenant.status.phase === 'Deleted');
    expect(await siloServer(`SELECT 1 FROM pg_database WHERE datname = $1`, [database])).toEqual([]);
    expect(await siloServer(`SELECT 1 FROM pg_roles WHERE rolname = ANY($1)`, [rolesOf(enterprise)])).toEqual([]);
    expect(
      await stack.pg(`SELECT 1 FROM "TenantCredential" WHERE "tenantId" = $1::uuid`, [enterprise.tenantId]),
    ).toEqual([]);
  });
});

/** Rows of one statement on a server, as the given URL's user. */
async function onServer<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
