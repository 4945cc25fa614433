import { z } from 'zod';

export const INGESTION_QUEUE = 'data-ingestion';
export const INGESTION_JOB_NAME = 'ingest-measurements';

/**
 * The job names the stored ingestion only; its rows stay in the tenant's schema in Postgres. The
 * slug is carried because the tenant's schema and role are named after it.
 */
export const ingestionJobPayloadSchema = z
  .object({
    version: z.literal(1),
    tenantId: z.uuid(),
    tenantSlug: z.string().min(1).max(63),
    ingestionId: z.uuid(),
  })
  .strict();

export type IngestionJobPayload = z.infer<typeof ingestionJobPayloadSchema>;

export function ingestionJobId(tenantId: string, ingestionId: string): string {
  return `ingestion-${tenantId}-${ingestionId}`;
}
