import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { tenantDatabaseNames } from '@platform/database';
import { type TenantSpec, createTenantSchema, slugSchema } from '@platform/tenancy';
import { renderPreview } from '../pulumi/preview/resource-table.js';
import { recordProgram } from '../pulumi/testing/recording-mocks.js';
import { tenantProgram } from '../pulumi/tenant/tenant-program.js';
import { TIER_SIZING } from '../pulumi/tenant/tenant-sizing.js';
import { settingsFromPlatformStack } from '../pulumi/tenant/tenant-settings.js';

const USAGE = `usage: npm run preview -- --tenant <slug | spec.json> [--tenant ...] [--tier starter|business|enterprise] [--domain saas.example.com]

Prints the resources the tenant's Pulumi stack would create, from the program run under mocks
(no Pulumi CLI, no cloud). A spec file holds the body of POST /v1/tenants.`;

const PREVIEW_PLATFORM_STACK = 'organization/platform/preview';

/** Turns `--tenant` into a spec: a JSON file is validated like the admin API's body; a bare slug gets a sample tenant. */
async function specFrom(tenant: string, tier: string): Promise<TenantSpec> {
  const input = tenant.endsWith('.json')
    ? JSON.parse(await readFile(tenant, 'utf8'))
    : { slug: slugSchema.parse(tenant), displayName: `Tenant ${tenant}`, tier, branding: { primaryColor: '#3366cc' } };
  const body = createTenantSchema.parse(input);
  return {
    tenantId: '00000000-0000-4000-8000-000000000000',
    ...body,
    domains: body.domains ?? [],
    state: 'active',
    generation: 1,
  };
}

async function preview(spec: TenantSpec, platformDomain: string): Promise<string> {
  const program = tenantProgram(spec, () =>
    settingsFromPlatformStack({
      platformStack: PREVIEW_PLATFORM_STACK,
      platformDomain,
      imageTag: 'preview',
      database: tenantDatabaseNames(spec.slug, 'platform'),
    }),
  );
  const run = await recordProgram(program);
  const { quota, replicas } = TIER_SIZING[spec.tier];
  const sizing = `quota ${quota.requestsCpu} CPU / ${quota.requestsMemory} requested, ${quota.pods} pods; ${replicas.min}-${replicas.max} replicas per workload`;
  return renderPreview(`Tenant ${spec.slug} (${spec.tier}: ${sizing}), stack tenant-${spec.slug}`, run);
}

const { values } = parseArgs({
  options: {
    tenant: { type: 'string', multiple: true },
    tier: { type: 'string', default: 'business' },
    domain: { type: 'string', default: 'saas.example.com' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || !values.tenant?.length) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 64);
}

// Addresses, self links and platform outputs are what the mocks answer, not what the cloud will.
console.log('Preview under mocks: cloud-computed values (IPs, self links, platform stack outputs) are placeholders.\n');
try {
  for (const tenant of values.tenant) console.log(await preview(await specFrom(tenant, values.tier), values.domain));
} catch (error) {
  const message =
    error instanceof z.ZodError
      ? `invalid tenant:\n${z.prettifyError(error)}`
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`preview: ${message}`);
  process.exit(1);
}
