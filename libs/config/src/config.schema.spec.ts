import { ConfigError, parseConfig } from '@platform/config';

describe('parseConfig', () => {
  it('applies defaults for a local machine', () => {
    const sut = parseConfig('control-plane', {});
    expect(sut.controlPlane.port).toBe(3000);
    expect(sut.platform.domain).toBe('localhost');
    expect(sut.provisioner.target).toBe('local');
    expect(Object.isFrozen(sut.edge)).toBe(true);
  });

  it('names every bad variable at once', () => {
    const attempt = () => parseConfig('control-plane', { CONTROL_PLANE_PORT: 'abc', REDIS_URL: 'http://x' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(/CONTROL_PLANE_PORT/);
    expect(attempt).toThrow(/REDIS_URL/);
  });

  it('requires the edge signing secret only for apps behind the edge', () => {
    expect(() => parseConfig('edge', {})).toThrow(/EDGE_SIGNING_SECRET/);
    expect(() => parseConfig('provisioner', {})).not.toThrow();
  });

  it('reads a single-tenant edge or workload without an edge secret, and names every missing tenant variable', () => {
    const single = {
      TENANT_MODE: 'single',
      TENANT_ID: '7c6a1f0e-0000-4000-8000-000000000001',
      TENANT_SLUG: 'acme',
      TENANT_TOKEN_SIGNING_KEY: 'k'.repeat(43),
      REDIS_KEY_PREFIX: 't:7c6a1f0e-0000-4000-8000-000000000001:',
    };
    const sut = parseConfig('counter', single);
    expect(sut.tenancy).toEqual({
      mode: 'single',
      single: { tenantId: single.TENANT_ID, tenantSlug: 'acme', tokenSigningKey: 'k'.repeat(43) },
    });
    expect(sut.redis.prefix).toBe('t:7c6a1f0e-0000-4000-8000-000000000001:platform');
    expect(sut.usage.store).toBe('tenant');
    const attempt = () => parseConfig('data-api', { TENANT_MODE: 'single' });
    expect(attempt).toThrow(/TENANT_ID/);
    expect(attempt).toThrow(/TENANT_SLUG/);
    expect(attempt).toThrow(/TENANT_TOKEN_SIGNING_KEY/);
    // A tenant's own edge (GKE) needs no platform secret either; the platform's own apps are never single.
    expect(parseConfig('edge', single).tenancy.single?.tenantSlug).toBe('acme');
    expect(() => parseConfig('provisioner', single)).toThrow(/not provisioner/);
  });

  it('refuses an sslmode it cannot honour, and defaults the shutdown delay to none', () => {
    expect(() => parseConfig('control-plane', { DATABASE_URL: 'postgresql://db/p?sslmode=prefer' })).toThrow(
      /sslmode=prefer is not supported/,
    );
    expect(parseConfig('control-plane', {}).app.shutdownDelayMs).toBe(0);
    expect(parseConfig('control-plane', { SHUTDOWN_DELAY_MS: '5000' }).app.shutdownDelayMs).toBe(5000);
  });

  it("reaches silo databases on DATABASE_URL's server unless SILO_DATABASE_URL names another, with that server's CA", () => {
    const platform = { DATABASE_URL: 'postgresql://platform:p@db/platform', DATABASE_CA_CERT_FILE: '/ca/platform.pem' };
    expect(parseConfig('provisioner', platform).siloDatabase).toEqual({
      url: platform.DATABASE_URL,
      caCertFile: '/ca/platform.pem',
    });
    const silo = 'postgresql://platform:p@silo/postgres?sslmode=verify-full&sslrootcert=/ca/silo.pem';
    expect(parseConfig('provisioner', { ...platform, SILO_DATABASE_URL: silo }).siloDatabase).toEqual({
      url: silo,
      caCertFile: undefined,
    });
    // Without a CA of its own in the URL, the platform's CA file is the one its certificate must chain to.
    const plain = 'postgresql://platform:p@silo/postgres?sslmode=verify-full';
    expect(parseConfig('provisioner', { ...platform, SILO_DATABASE_URL: plain }).siloDatabase.caCertFile).toBe(
      '/ca/platform.pem',
    );
    expect(() => parseConfig('provisioner', { SILO_DATABASE_URL: 'mysql://silo/x' })).toThrow(/SILO_DATABASE_URL/);
    expect(() => parseConfig('provisioner', { SILO_DATABASE_URL: 'postgresql://silo/x?sslmode=allow' })).toThrow(
      /SILO_DATABASE_URL: sslmode=allow is not supported/,
    );
  });
});
