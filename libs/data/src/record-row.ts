import { z } from 'zod';
import { hasOnlyStorableText, isStorableText } from './storable-text.js';

export const RECORD_LIMITS = {
  // Fastify's router refuses path parameters over 100 characters (414), so a longer key could be
  // stored but never read back by URL.
  keyMaxLength: 100,
  dataMaxBytes: 1024 * 1024,
  // An NDJSON line carries a key and data of up to 1 MiB once re-serialised; escapes (`\u0041`) may make the line itself longer.
  ndjsonLineMaxBytes: 2 * 1024 * 1024,
} as const;

export const collectionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, _ . - (starting with a letter or digit)');

export const recordKeySchema = z
  .string()
  .min(1)
  .max(RECORD_LIMITS.keyMaxLength)
  .refine(isStorableText, 'must not contain U+0000 or a lone surrogate');

/** One item of a record batch (a JSON array element or an NDJSON line). */
export const recordItemSchema = z.object({ key: recordKeySchema, data: z.unknown() }).strict();

export interface RecordInput {
  key: string;
  json: string;
}

/** Returns the record with its data already serialised (that is what is stored), or why it is refused. */
export function toRecordInput(key: unknown, data: unknown): RecordInput | string {
  const parsed = recordKeySchema.safeParse(key);
  if (!parsed.success) return `key: ${parsed.error.issues[0]!.message}`;
  if (data === undefined) return 'data: is required';
  const json = JSON.stringify(data);
  if (Buffer.byteLength(json) > RECORD_LIMITS.dataMaxBytes)
    return `data: larger than ${RECORD_LIMITS.dataMaxBytes} bytes`;
  if (!hasOnlyStorableText(data))
    return 'data: must not contain U+0000, a lone surrogate or a number beyond float range';
  return { key: parsed.data, json };
}

export function parseRecordItem(value: unknown): RecordInput | string {
  const parsed = recordItemSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `${issue.path.length ? issue.path.join('.') : '(row)'}: ${issue.message}`;
  }
  return toRecordInput(parsed.data.key, parsed.data.data);
}

export const listRecordsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
    cursor: z.string().max(1_024).optional(),
    prefix: recordKeySchema.optional(),
  })
  .strict();

export type ListRecordsQuery = z.infer<typeof listRecordsQuerySchema>;

export const importQuerySchema = z.object({ keyField: z.string().min(1).max(200).optional() }).strict();
