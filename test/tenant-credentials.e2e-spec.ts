import pg from 'pg';
import { tenantDatabaseNames } from '@platform/database';
import { PrivatePostgres } from './support/private-services.js';
import { Stack, freePorts, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

interface Credential {
  databasePassword: string;
  tokenSigningKey: string;
}

/**
 * The tenant's own LOGIN role, on a Postgres server that checks passwords (SCRAM) as Cloud SQL does:
 * this machine's server trusts everyone, so it could not tell a wrong password from a right one.
 */
describe("A tenant's own database credentials", () => {
  let postgres: PrivatePostgres;
  let stack: Stack;
  const a = uniqueSlug('cred-a');
  const b = uniqueSlug('cred-b');

  beforeAll(async () => {
    const [port] = await freePorts(1);
    postgres = await PrivatePostgres.start(port!, { passwords: true });
    stack = await Stack.start(['control-plane', 'provisioner'], {
      PG_SERVER: `postgresql://postgres@127.0.0.1:${port}`,
    });
    for (const slug of [a, b])
      expect((await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) })).status).toBe(202);
    await Promise.all([stack.waitForReady(a), stack.waitForReady(b)]);
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    postgres?.destroy();
  });

  const names = (slug: string) => tenantDatabaseNames(slug, stack.databaseName);
  const schemaOf = (slug: string) => names(slug).schema;
  const credentialOf = async (slug: string): Promise<Credential> => {
    const rows = await stack.pg<Credential>(
      `SELECT c."databasePassword", c."tokenSigningKey" FROM "TenantCredential" c JOIN "Tenant" t ON t.id = c."tenantId" WHERE t.slug = $1`,
      [slug],
    );
    return rows[0]!;
  };
  const connectAs = async (slug: string, password: string): Promise<pg.Client> => {
    const url = new URL(stack.env.DATABASE_URL!);
    url.username = names(slug).login;
    url.password = password;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    return client;
  };
  const codeOf = (work: Promise<unknown>) =>
    work.then(
      () => 'ok',
      (error: { code?: string }) => error.code,
    );

  it("reads and writes its own schema, and is refused on another tenant's schema and on the platform's tables", async () => {
    await stack.pg(
      `CREATE TABLE "${schemaOf(b)}".secrets (v text); INSERT INTO "${schemaOf(b)}".secrets VALUES ('b-only')`,
    );
    const client = await connectAs(a, (await credentialOf(a)).databasePassword);
    try {
      await client.query(`CREATE TABLE "${schemaOf(a)}".notes (id int PRIMARY KEY, body text)`);
      await client.query(`INSERT INTO "${schemaOf(a)}".notes VALUES (1, 'mine')`);
      expect((await client.query(`SELECT body FROM "${schemaOf(a)}".notes`)).rows).toEqual([{ body: 'mine' }]);

      // 42501: insufficient privilege.
      expect(await codeOf(client.query(`SELECT * FROM "${schemaOf(b)}".secrets`))).toBe('42501');
      expect(await codeOf(client.query(`SET ROLE "${names(b).role}"`))).toBe('42501');
      for (const table of ['Tenant', 'TenantCredential', 'ApiKey', 'OperatorToken', 'AuditEvent'])
        expect(await codeOf(client.query(`SELECT * FROM public."${table}" LIMIT 1`))).toBe('42501');
      expect(await codeOf(client.query(`CREATE TABLE public.sneaky (id int)`))).toBe('42501');
    } finally {
      await client.end();
    }
    // 28P01: password authentication failed.
    expect(await codeOf(connectAs(a, (await credentialOf(b)).databasePassword))).toBe('28P01');
  });

  it('rotates password and signing key for an operator: the old password stops working, no secret is answered', async () => {
    const before = await credentialOf(a);
    const viewer = await stack.api<{ token: string }>('POST', '/v1/operator-tokens', {
      body: { name: 'viewer', role: 'viewer' },
    });
    const refused = await stack.api('POST', `/v1/tenants/${a}/credentials/rotate`, { token: viewer.body.token });
    expect(refused.status).toBe(403);

    const rotated = await stack.api('POST', `/v1/tenants/${a}/credentials/rotate`, {
      headers: { 'x-request-id': `rotate-${a}` },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({
      tenantId: expect.any(String),
      slug: a,
      loginRole: names(a).login,
      rotatedAt: expect.any(String),
      generation: 2,
    });
    const after = await credentialOf(a);
    expect(after.databasePassword).not.toBe(before.databasePassword);
    expect(after.tokenSigningKey).not.toBe(before.tokenSigningKey);
    for (const secret of [
      before.databasePassword,
      after.databasePassword,
      before.tokenSigningKey,
      after.tokenSigningKey,
    ])
      expect(rotated.text).not.toContain(secret);

    expect(await codeOf(connectAs(a, before.databasePassword))).toBe('28P01');
    const client = await connectAs(a, after.databasePassword);
    await client.end();

    const audit = await stack.api('GET', `/v1/audit-events?targetId=${rotated.body.tenantId}`);
    expect(audit.body.items).toContainEqual(
      expect.objectContaining({ action: 'tenant.credentials.rotate', requestId: `rotate-${a}` }),
    );
    expect(JSON.stringify(audit.body)).not.toContain(after.databasePassword);
    // The re-convergence keeps the new password (it does not make another one).
    await stack.waitForReady(a);
    expect((await credentialOf(a)).databasePassword).toBe(after.databasePassword);
    const again = await connectAs(a, after.databasePassword);
    await again.end();
  });

  it('drops the login role with the tenant', async () => {
    const slug = uniqueSlug('cred-gone');
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    await stack.waitForReady(slug);
    expect(await stack.pg('SELECT 1 FROM pg_roles WHERE rolname = $1', [names(slug).login])).toHaveLength(1);
    await stack.api('DELETE', `/v1/tenants/${slug}`);
    await stack.waitForTenant(slug, (tenant) => tenant.status?.phase === 'Deleted');
    expect(await stack.pg('SELECT 1 FROM pg_roles WHERE rolname = $1', [names(slug).login])).toHaveLength(0);
    expect(
      await stack.pg(`SELECT 1 FROM "TenantCredential" c JOIN "Tenant" t ON t.id = c."tenantId" WHERE t.slug = $1`, [
        slug,
      ]),
    ).toHaveLength(0);
  }, 60_000);
});
