import { tenantDatabaseNames } from './tenant-database-names.js';

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
