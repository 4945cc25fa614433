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
    from: instant.optional(),
    to: instant.optional(),
    granularity: z.enum(['hour', 'day']).default('day'),
  })
  .strict();
export type UsageQuery = z.infer<typeof usageQuerySchema>;

/** Rows of the tenant's answer; the all-tenant answer adds the tenant's slug. */
export interface UsageRow {
  period: string;
  counterValues: number;
  rowsIngested: number;
  apiRequests: number;
  storedBytes: number;
}
export type TenantUsageRow = { tenant: string } & UsageRow;
