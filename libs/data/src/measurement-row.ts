import { z } from 'zod';
import { isStorableText } from './storable-text.js';

/** Documented limits for one measurement; anything outside them refuses the whole batch. */
export const MEASUREMENT_LIMITS = {
  nameMaxLength: 200,
  maxTags: 32,
  tagKeyMaxLength: 64,
  tagValueMaxLength: 256,
  // Readings outside this window are almost certainly unit or parsing mistakes (seconds vs ms).
  earliestTs: Date.UTC(1900, 0, 1),
  latestTs: Date.UTC(2200, 0, 1),
} as const;

const text = (max: number) => z.string().max(max).refine(isStorableText, 'must not contain U+0000 or a lone surrogate');
/** A `source` or `metric`, as stored and as filtered on. */
export const measurementNameSchema = text(MEASUREMENT_LIMITS.nameMaxLength).refine(
  (value) => value.length > 0,
  'must not be empty',
);
const name = measurementNameSchema;
const tagValue = z.union([text(MEASUREMENT_LIMITS.tagValueMaxLength), z.number(), z.boolean()]);

export const measurementSchema = z
  .object({
    source: name,
    metric: name,
    ts: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' }),
    value: z.number().refine(Number.isFinite, 'must be a finite number'),
    tags: z
      .record(text(MEASUREMENT_LIMITS.tagKeyMaxLength), tagValue)
      .refine(
        (tags) => Object.keys(tags).length <= MEASUREMENT_LIMITS.maxTags,
        `at most ${MEASUREMENT_LIMITS.maxTags} tags`,
      )
      .nullish(),
  })
  .strict();

export interface Measurement {
  source: string;
  metric: string;
  tsMs: number;
  value: number;
  tags: Record<string, string | number | boolean> | null;
}

/** Returns the reading, or the reason it is refused (first problem only, with its field). */
export function parseMeasurement(value: unknown): Measurement | string {
  const parsed = measurementSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return `${issue.path.length ? issue.path.join('.') : '(row)'}: ${issue.message}`;
  }
  const tsMs = Date.parse(parsed.data.ts);
  if (!(tsMs >= MEASUREMENT_LIMITS.earliestTs && tsMs < MEASUREMENT_LIMITS.latestTs)) {
    return 'ts: must be between 1900-01-01 and 2200-01-01';
  }
  const { source, metric, value: reading, tags } = parsed.data;
  return { source, metric, tsMs, value: reading, tags: tags ?? null };
}

const COPY_SPECIALS = /[\\\t\n\r]/;

/** COPY text format: backslash, tab, newline and carriage return must be escaped inside a field. */
function copyField(text: string): string {
  if (!COPY_SPECIALS.test(text)) return text;
  return text.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r');
}

/** One line for `COPY measurements (source, metric, ts, value, tags) FROM STDIN`. */
export function measurementCopyLine(row: Measurement): string {
  const tags = row.tags ? copyField(JSON.stringify(row.tags)) : '\\N';
  return `${copyField(row.source)}\t${copyField(row.metric)}\t${new Date(row.tsMs).toISOString()}\t${row.value}\t${tags}\n`;
}
