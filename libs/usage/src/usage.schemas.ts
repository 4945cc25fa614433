import { z } from 'zod';

export const USAGE_GRANULARITIES = { hour: 3_600, day: 86_400 } as const;
export type UsageGranularity = keyof typeof USAGE_GRANULARITIES;

// A range is answered in one piece, so it is bounded: 31 days of hours or 366 days.
export const MAX_USAGE_PERIODS: Record<UsageGranularity, number> = { hour: 31 * 24, day: 366 };
export const DEFAULT_PERIODS: Record<UsageGranularity, number> = { hour: 24, day: 30 };

const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .transform((text) => new Date(text))
  .refine((date) => !Number.isNaN(date.getTime()), 'must be a date');

export const usageQuerySchema = z
  .object({
    from: instant.optional().describe('ISO date or date-time with offset; rounds down to the period'),
    to: instant.optional().describe('ISO date or date-time with offset, exclusive; rounds up to the period'),
    granularity: z.enum(['hour', 'day']).default('day').describe('UTC hours or days'),
  })
  .strict();
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const usageRowSchema = z.object({
  period: z.iso.datetime().describe('Start of the UTC period'),
  counterValues: z.number().int().describe('Counter values handed out'),
  rowsIngested: z.number().int().describe('Measurements and records stored (committed)'),
  apiRequests: z.number().int().describe('Requests relayed to the workloads, any status'),
  storedBytes: z.number().int().describe('Latest daily sample of the tenant schema before the period ends'),
});
/** Rows of the tenant's answer; the all-tenant answer adds the tenant's slug. */
export type UsageRow = z.infer<typeof usageRowSchema>;
export const tenantUsageRowSchema = z
  .object({ tenant: z.string().describe('Tenant slug') })
  .extend(usageRowSchema.shape);
export type TenantUsageRow = z.infer<typeof tenantUsageRowSchema>;

/** What the usage routes answer as JSON (the OpenAPI document is generated from these). */
export const usageAnswerSchema = z.object({ rows: z.array(usageRowSchema) });
export const allTenantsUsageAnswerSchema = z.object({ rows: z.array(tenantUsageRowSchema) });
