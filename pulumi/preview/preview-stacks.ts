import { readFile } from 'node:fs/promises';
import { placementOf, tenantDatabaseNames } from '@platform/database';
import { type TenantSpec, createTenantSchema, slugSchema } from '@platform/tenancy';
import { previewPlatformSettings } from '../platform/platform-settings.js';
import { platformProgram } from '../platform/platform-program.js';
import { type RecordedRun, mockTenantConfig, recordProgram } from '../testing/recording-mocks.js';
import { tenantProgram } from '../tenant/tenant-program.js';
import { TIER_SIZING } from '../tenant/tenant-sizing.js';
import { settingsFromPlatformStack } from '../tenant/tenant-settings.js';

const PREVIEW_PLATFORM_STACK = 'organization/platform/preview';
/** Stack name the platform preview is shown under (the example config is Pulumi.prod.yaml). */
export const PREVIEW_PLATFORM_STACK_NAME = 'platform-prod';

export interface PreviewedStack {
  stack: string;
  title: string;
  run: RecordedRun;
}

/** Turns `--tenant` into a spec: a JSON file is validated like the admin API's body; a bare slug gets a sample tenant. */
export async function specFrom(tenant: string, tier: string): Promise<TenantSpec> {
  const input = tenant.endsWith('.json')
    ? JSON.parse(await readFile(tenant, 'utf8'))
    : { slug: slugSchema.parse(tenant), displayName: `Tenant ${tenant}`, tier, branding: { primaryColor: '#3366cc' } };
  const body = createTenantSchema.parse(input);
  return {
    tenantId: '00000000-0000-4000-8000-000000000000',
    ...body,
    placement: placementOf(body.tier, body.slug, 'platform'),
    domains: body.domains ?? [],
    state: 'active',
    generation: 1,
  };
}

export async function previewTenant(spec: TenantSpec, platformDomain: string): Promise<PreviewedStack> {
  const program = tenantProgram(spec, () =>
    settingsFromPlatformStack({
      platformStack: PREVIEW_PLATFORM_STACK,
      platformDomain,
      database: tenantDatabaseNames(spec.slug, 'platform'),
    }),
  );
  // The credentials the provisioner would set on the stack, as secrets (shown as "[secret]").
  const run = await recordProgram(program, mockTenantConfig({ tenantRedisPrefix: `t:${spec.tenantId}:` }));
  const { quota, replicas } = TIER_SIZING[spec.tier];
  const sizing = `quota ${quota.requestsCpu} CPU / ${quota.requestsMemory} requested, ${quota.pods} pods; ${replicas.min}-${replicas.max} replicas per workload`;
  const stack = `tenant-${spec.slug}`;
  return { stack, title: `Tenant ${spec.slug} (${spec.tier}: ${sizing}), stack ${stack}`, run };
}

export async function previewPlatform(platformDomain: string): Promise<PreviewedStack> {
  const run = await recordProgram(platformProgram(previewPlatformSettings(platformDomain)));
  return { stack: PREVIEW_PLATFORM_STACK_NAME, title: `Platform, stack ${PREVIEW_PLATFORM_STACK_NAME}`, run };
}
