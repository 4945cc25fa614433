import { z } from 'zod';

export const PROVISIONING_QUEUE = 'provisioning';

export const PROVISIONING_JOB_NAMES = ['provision', 'deprovision'] as const;
export type ProvisioningJobName = (typeof PROVISIONING_JOB_NAMES)[number];

/** A job carries ids, a generation and trace context only; the worker reads the tenant's desired state from Postgres. */
export const provisioningJobPayloadSchema = z
  .object({
    version: z.literal(1),
    tenantId: z.uuid(),
    generation: z.number().int().positive(),
    // W3C trace context of the change that queued the job, so the worker continues its trace.
    trace: z.record(z.string(), z.string().max(512)).optional(),
  })
  .strict();

export type ProvisioningJobPayload = z.infer<typeof provisioningJobPayloadSchema>;

/** The only place a job id is built: one id per (tenant, generation), so a change is never queued twice. */
export function provisioningJobId(tenantId: string, generation: number): string {
  return `tenant-${tenantId}-g${generation}`;
}
