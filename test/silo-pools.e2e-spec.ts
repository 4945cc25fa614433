import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { PlatformConfig } from '@platform/config';
import { TenantSqlService, quoteIdent, siloDatabaseName, tenantDatabaseNames } from '@platform/database';
import { PG_ADMIN_URL, dropTestDatabase, newTestDatabaseName } from './support/test-database.js';

/** Fails when `promise` has not settled within `ms`: here only to turn a hang into a failure. */
function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function admin(sql: string, database = 'postgres'): Promise<void> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL.replace(/\/postgres$/, `/${database}`) });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('Silo pools of the workloads (TenantSqlService)', () => {
  const databaseName = newTestDatabaseName();
  const tenant = { tenantId: randomUUID(), tenantSlug: 'pools' };
  const silo = siloDatabaseName(tenant.tenantSlug, databaseName);
  const names = tenantDatabaseNames(tenant.tenantSlug, databaseName);
  const url = PG_ADMIN_URL.replace(/\/postgres$/, `/${databaseName}`);
  let sut: TenantSqlService;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${quoteIdent(databaseName)}`);
    await admin(`CREATE DATABASE ${quoteIdent(silo)}`);
    // Only what TenantSqlService reads of the platform database: the tenant's placement.
    await admin(
      `CREATE TABLE "Tenant" (id uuid PRIMARY KEY, placement text NOT NULL, "siloDatabase" text);
       INSERT INTO "Tenant" VALUES ('${tenant.tenantId}', 'silo', '${silo}')`,
      databaseName,
    );
    await admin(`CREATE ROLE ${quoteIdent(names.role)} NOLOGIN`);
    await admin(`CREATE SCHEMA ${quoteIdent(names.schema)} AUTHORIZATION ${quoteIdent(names.role)}`, silo);
    // One connection per pool, so a second request waits for the first one's.
    const config = {
      database: { url, poolMax: 1 },
      siloDatabase: { url },
      tenancy: { mode: 'shared' },
    } as unknown as PlatformConfig;
    sut = new TenantSqlService(config);
  });

  afterAll(async () => {
    await sut?.onModuleDestroy();
    await dropTestDatabase(databaseName);
  });

  it('serves the requests still waiting for a connection of a silo pool it closes, instead of leaving them hanging', async () => {
    let finishFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (finishFirst = resolve));
    let firstStarted!: () => void;
    const started = new Promise<void>((resolve) => (firstStarted = resolve));
    const first = sut.run(tenant, async (client) => {
      firstStarted();
      await firstHolds;
      return (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows[0]!.schema;
    });
    await started;
    // Waits for the only connection, which the first request holds.
    const second = sut.run(tenant, async (client) => (await client.query<{ n: number }>('SELECT 1 AS n')).rows[0]!.n);
    await new Promise((resolve) => setImmediate(resolve));

    // Closed while a request waits (as when the database's connections are terminated, or past 100 pools).
    const forgotten = sut.forgetSilo(silo);
    finishFirst();

    expect(await first).toBe(names.schema);
    expect(await within(5_000, second, 'the waiting request')).toBe(1);
    await within(5_000, forgotten, 'closing the pool');
    // A later request gets a pool of its own.
    expect(await sut.run(tenant, async (client) => (await client.query('SELECT 1')).rowCount)).toBe(1);
  });

  it('answers TenantNotFound (a 404), not a 500, for a tenant whose database is gone (a call racing its offboarding)', async () => {
    const gone = { tenantId: randomUUID(), tenantSlug: 'gone' };
    await admin(
      `INSERT INTO "Tenant" VALUES ('${gone.tenantId}', 'silo', '${siloDatabaseName(gone.tenantSlug, databaseName)}')`,
      databaseName,
    );
    await expect(sut.run(gone, (client) => client.query('SELECT 1'))).rejects.toMatchObject({
      code: 'TenantNotFound',
      details: { reason: 'TenantDataGone' },
    });
  });
});
