import {
  databaseUrlFor,
  placementOf,
  placementOfRow,
  siloDatabaseName,
  tenantDatabaseNames,
  tenantDatabaseNamesIn,
} from './tenant-database-names.js';

describe('tenantDatabaseNames', () => {
  it('derives a schema from the slug and a role unique to the database', () => {
    const sut = tenantDatabaseNames('acme-corp', 'platform');
    expect(sut.schema).toBe('t_acme_corp');
    expect(sut.role).toMatch(/^t_acme_corp_r[0-9a-f]{8}$/);
    expect(tenantDatabaseNames('acme-corp', 'platform_test').role).not.toBe(sut.role);
  });

  it('stays within the Postgres identifier limit for the longest slug', () => {
    const sut = tenantDatabaseNames(`a${'b'.repeat(38)}c`, 'platform');
    expect(sut.role.length).toBeLessThanOrEqual(63);
    expect(sut.login.length).toBeLessThanOrEqual(63);
    expect(sut.login).toBe(`${sut.role}_l`);
  });
});

describe('placementOf', () => {
  it('gives enterprise tenants a database of their own and pools the other tiers', () => {
    expect(placementOf('starter', 'acme', 'platform')).toEqual({ model: 'pooled' });
    expect(placementOf('business', 'acme', 'platform')).toEqual({ model: 'pooled' });
    expect(placementOf('enterprise', 'acme-corp', 'platform')).toEqual({
      model: 'silo',
      database: expect.stringMatching(/^t_acme_corp_d[0-9a-f]{8}$/),
    });
  });

  it('names the silo database per stack database, within the Postgres identifier limit', () => {
    const longest = `a${'b'.repeat(38)}c`;
    const sut = siloDatabaseName(longest, 'platform');
    expect(sut.length).toBeLessThanOrEqual(63);
    expect(siloDatabaseName(longest, 'platform_test')).not.toBe(sut);
    // Not the name of any role of the tenant: roles and databases are both per server.
    const names = tenantDatabaseNames(longest, 'platform');
    expect([names.role, names.login, names.schema]).not.toContain(sut);
  });

  it('reads a stored row back', () => {
    expect(placementOfRow({ placement: 'silo', siloDatabase: 't_a_d0' })).toEqual({
      model: 'silo',
      database: 't_a_d0',
    });
    expect(placementOfRow({ placement: 'pooled', siloDatabase: null })).toEqual({ model: 'pooled' });
  });
});

describe('tenantDatabaseNamesIn', () => {
  it("names the same roles from the platform's database and from a silo tenant's own database", () => {
    const platform = tenantDatabaseNames('acme-corp', 'platform');
    expect(tenantDatabaseNamesIn('acme-corp', 'platform')).toEqual(platform);
    // A silo tenant's own workloads connect to its database, not the platform's.
    expect(tenantDatabaseNamesIn('acme-corp', siloDatabaseName('acme-corp', 'platform'))).toEqual(platform);
    // Another tenant's silo database name is not read as this tenant's.
    expect(tenantDatabaseNamesIn('acme', siloDatabaseName('acme-corp', 'platform')).role).not.toBe(
      tenantDatabaseNames('acme', 'platform').role,
    );
  });
});

describe('databaseUrlFor', () => {
  it('keeps server, user and parameters and names another database', () => {
    expect(databaseUrlFor('postgresql://u:p@db:5432/platform?sslmode=require', 't_a_d1')).toBe(
      'postgresql://u:p@db:5432/t_a_d1?sslmode=require',
    );
  });
});
