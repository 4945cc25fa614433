import { placementOf } from '@platform/database';
import type { TenantSpec } from '@platform/tenancy';
import type { TenantProgramSettings } from '../tenant/tenant-settings.js';
import { MOCK_PLATFORM_OUTPUTS, MOCK_TENANT_CONFIG } from './recording-mocks.js';

const SVG_LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#123456"/></svg>',
).toString('base64');

/** A valid spec; override what the test is about. */
export function aTenantSpec(overrides: Partial<TenantSpec> = {}): TenantSpec {
  const slug = overrides.slug ?? 'acme';
  const tier = overrides.tier ?? 'business';
  return {
    tenantId: `00000000-0000-4000-8000-${slug
      .padEnd(12, '0')
      .slice(0, 12)
      .replace(/[^0-9a-f]/g, '0')}`,
    slug,
    displayName: 'Acme Corp',
    tier,
    // As onboarding decides it: enterprise tenants in a database of their own.
    placement: placementOf(tier, slug, 'platform'),
    branding: {
      primaryColor: '#0b5fff',
      accentColor: '#222222',
      logo: { contentType: 'image/svg+xml', base64: SVG_LOGO },
    },
    domains: [],
    state: 'active',
    generation: 1,
    ...overrides,
  };
}

/** Settings as the platform stack and the tenant's stack config would give them, as plain values. */
export function someTenantSettings(overrides: Partial<TenantProgramSettings> = {}): TenantProgramSettings {
  return {
    platformDomain: 'saas.example.com',
    gcp: {
      project: MOCK_PLATFORM_OUTPUTS.gcpProject,
      region: MOCK_PLATFORM_OUTPUTS.gcpRegion,
      assetsLocation: MOCK_PLATFORM_OUTPUTS.gcpRegion,
    },
    clusterZones: MOCK_PLATFORM_OUTPUTS.clusterZones,
    kubeconfig: MOCK_PLATFORM_OUTPUTS.kubeconfig,
    dnsZoneName: MOCK_PLATFORM_OUTPUTS.dnsZoneName,
    image: MOCK_PLATFORM_OUTPUTS.workloadImage,
    privateServicesCidr: MOCK_PLATFORM_OUTPUTS.privateServicesCidr,
    caCertificates: {
      database: MOCK_PLATFORM_OUTPUTS.databaseCaCertificate,
      redis: MOCK_PLATFORM_OUTPUTS.redisCaCertificate,
    },
    database: { schema: 't_acme', role: 't_acme_r12345678' },
    silo: {
      host: MOCK_PLATFORM_OUTPUTS.siloDatabaseHost,
      caCertificate: MOCK_PLATFORM_OUTPUTS.siloDatabaseCaCertificate,
    },
    redisUrl: MOCK_PLATFORM_OUTPUTS.redisUrl,
    tenant: {
      databaseUrl: MOCK_TENANT_CONFIG.tenantDatabaseUrl,
      tokenSigningKey: MOCK_TENANT_CONFIG.tenantTokenSigningKey,
      redisPrefix: MOCK_TENANT_CONFIG.tenantRedisPrefix,
    },
    ...overrides,
  };
}
