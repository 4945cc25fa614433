import { z } from 'zod';

/**
 * What the data API answers, as zod schemas: the services' return types are inferred from them,
 * and the tenant OpenAPI document is generated from them, so neither can drift from the other.
 */
export const acceptedAnswerSchema = z.object({ accepted: z.number().int().min(0) });
export const ingestionSubmittedAnswerSchema = z.object({ ingestionId: z.uuid() });
export const ingestionAnswerSchema = z.object({
  id: z.uuid(),
  state: z.enum(['queued', 'completed', 'failed']),
  accepted: z.number().int(),
  rejected: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  createdAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});
const readingSchema = z.object({
  source: z.string(),
  metric: z.string(),
  ts: z.iso.datetime(),
  value: z.number(),
  tags: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export const readingsPageSchema = z.object({ items: z.array(readingSchema), nextCursor: z.string().nullable() });
export const statsAnswerSchema = z.object({
  rows: z.array(
    z.object({
      bucket: z.iso.datetime(),
      source: z.string().optional(),
      metric: z.string().optional(),
      count: z.number().int(),
      sum: z.number(),
      avg: z.number(),
      min: z.number(),
      max: z.number(),
    }),
  ),
  cached: z.boolean(),
});
export const upsertedAnswerSchema = z.object({ upserted: z.number().int().min(0) });
export const importedAnswerSchema = z.object({ imported: z.number().int().min(0) });
export const recordAnswerSchema = z.object({ key: z.string(), data: z.unknown(), updatedAt: z.iso.datetime() });
export const recordsPageSchema = z.object({ items: z.array(recordAnswerSchema), nextCursor: z.string().nullable() });

export type AcceptedAnswer = z.infer<typeof acceptedAnswerSchema>;
export type IngestionSubmittedAnswer = z.infer<typeof ingestionSubmittedAnswerSchema>;
export type IngestionAnswer = z.infer<typeof ingestionAnswerSchema>;
export type ReadingsPage = z.infer<typeof readingsPageSchema>;
export type StatsAnswer = z.infer<typeof statsAnswerSchema>;
export type RecordAnswer = z.infer<typeof recordAnswerSchema>;
export type RecordsPage = z.infer<typeof recordsPageSchema>;
