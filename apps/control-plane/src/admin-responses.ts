import { z } from 'zod';
import type { AuditEventView } from '@platform/audit';
import { TENANT_PHASES, CONDITION_TYPES, type JobView, type TenantView } from '@platform/tenancy';
import { type ApiKeyView, type IssuedApiKey, TENANT_SCOPES } from '@platform/tenant-auth';
import type { CredentialsRotation } from '@platform/provisioning';
import type { TenantUsageRow, UsageRow } from '@platform/usage';

/**
 * What each admin route answers, as zod schemas the OpenAPI document is generated from. The views are
 * TypeScript types in their libs; the checks at the bottom fail to compile when a schema and its view
 * drift apart.
 */
const instant = z.iso.datetime();

export const tenantConditionSchema = z.object({
  type: z.enum(CONDITION_TYPES),
  status: z.enum(['True', 'False', 'Unknown']),
  reason: z.string(),
  message: z.string(),
  lastTransitionTime: instant,
});

export const tenantViewSchema = z.object({
  id: z.uuid(),
  slug: z.string(),
  displayName: z.string(),
  tier: z.enum(['starter', 'business', 'enterprise']),
  placement: z
    .discriminatedUnion('model', [
      z.object({ model: z.literal('pooled') }),
      z.object({ model: z.literal('silo'), database: z.string() }),
    ])
    .describe(
      "Where the tenant's data lives, decided at onboarding from the tier: a schema in the pooled database, or a database of its own (`silo`, enterprise)",
    ),
  branding: z.object({
    primaryColor: z.string(),
    accentColor: z.string().nullable(),
    logo: z.object({ contentType: z.string(), bytes: z.number().int() }).nullable(),
  }),
  domains: z.array(z.string()),
  limits: z
    .object({ requestsPerSecond: z.number().int(), burst: z.number().int() })
    .nullable()
    .describe("The tenant's own request limits; null when its tier's apply"),
  desiredState: z.enum(['active', 'suspended', 'deleted']),
  generation: z.number().int(),
  status: z.object({
    phase: z.enum(TENANT_PHASES),
    observedGeneration: z.number().int(),
    conditions: z.array(tenantConditionSchema),
  }),
  url: z.string(),
  createdAt: instant,
  updatedAt: instant,
  links: z.object({ self: z.string(), jobs: z.string(), latestJob: z.string() }),
});

export const tenantPageSchema = z.object({ items: z.array(tenantViewSchema), nextCursor: z.uuid().nullable() });

export const jobViewSchema = z.object({
  id: z.string(),
  tenantId: z.uuid(),
  generation: z.number().int(),
  kind: z.enum(['provision', 'deprovision']),
  state: z.enum(['queued', 'active', 'completed', 'failed']),
  attempts: z.number().int(),
  failedReason: z.string().nullable(),
  requestedBy: z.string().nullable(),
  queuedAt: instant,
  startedAt: instant.nullable(),
  finishedAt: instant.nullable(),
  durationMs: z.number().nullable(),
});

export const jobListSchema = z.object({ items: z.array(jobViewSchema) });

export const apiKeyViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(TENANT_SCOPES)),
  createdAt: instant,
});

export const issuedApiKeySchema = apiKeyViewSchema.extend({
  key: z.string().describe('The secret: in this answer only'),
});

export const apiKeyListSchema = z.object({ items: z.array(apiKeyViewSchema) });

export const auditEventViewSchema = z.object({
  id: z.string(),
  at: instant,
  actor: z.object({ id: z.string(), name: z.string() }),
  action: z.string(),
  target: z.object({ type: z.string(), id: z.string() }),
  requestId: z.string().nullable(),
  details: z.unknown(),
});

export const auditPageSchema = z.object({ items: z.array(auditEventViewSchema), nextCursor: z.string().nullable() });

export const usageRowSchema = z.object({
  period: instant,
  counterValues: z.number(),
  rowsIngested: z.number(),
  apiRequests: z.number(),
  storedBytes: z.number(),
});
export const tenantUsageRowSchema = usageRowSchema.extend({ tenant: z.string().describe("The tenant's slug") });
export const usageSchema = z.object({ rows: z.array(usageRowSchema) });
export const allTenantsUsageSchema = z.object({ rows: z.array(tenantUsageRowSchema) });

export const credentialsRotationSchema = z.object({
  tenantId: z.uuid(),
  slug: z.string(),
  loginRole: z.string().describe("The tenant's database login role, whose password was replaced"),
  rotatedAt: instant,
  generation: z
    .number()
    .int()
    .describe("The tenant's generation after the rotation: its job pushes the new credentials to the tenant's stack"),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const drift = {
  tenant: true satisfies Same<z.infer<typeof tenantViewSchema>, TenantView>,
  job: true satisfies Same<z.infer<typeof jobViewSchema>, JobView>,
  apiKey: true satisfies Same<z.infer<typeof apiKeyViewSchema>, ApiKeyView>,
  issuedApiKey: true satisfies Same<z.infer<typeof issuedApiKeySchema>, IssuedApiKey>,
  auditEvent: true satisfies Same<z.infer<typeof auditEventViewSchema>, AuditEventView>,
  usage: true satisfies Same<z.infer<typeof usageRowSchema>, UsageRow>,
  tenantUsage: true satisfies Same<z.infer<typeof tenantUsageRowSchema>, TenantUsageRow>,
  credentialsRotation: true satisfies Same<z.infer<typeof credentialsRotationSchema>, CredentialsRotation>,
};
void drift;
