import { z } from 'zod';
import { DomainError } from '@platform/errors';
import { HOUR_MS } from './measurement-hours.js';
import { measurementNameSchema } from './measurement-row.js';
import type { StatsRanges } from './measurements.repository.js';
import { STATS_GROUP_BYS } from './measurement-stats.sql.js';

const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with Z or an offset' })
  .transform((text) => new Date(text));

/** `from` is inclusive, `to` exclusive, everywhere. */
const timeRange = {
  from: instant.optional(),
  to: instant.optional(),
};

export const MAX_FILTER_VALUES = 50;

/**
 * `?source=a,b` (or `?source=a&source=b`): the readings of any of these, at most 50 distinct names.
 * A name that contains a comma cannot be selected this way.
 */
const nameFilter = z
  .union([z.string(), z.array(z.string()).max(MAX_FILTER_VALUES)])
  .transform((value) => [...new Set((Array.isArray(value) ? value : [value]).flatMap((text) => text.split(',')))])
  .pipe(z.array(measurementNameSchema).max(MAX_FILTER_VALUES, `at most ${MAX_FILTER_VALUES} names`))
  .optional();

const seriesFilter = { source: nameFilter, metric: nameFilter };

export const statsQuerySchema = z
  .object({
    groupBy: z.enum(STATS_GROUP_BYS),
    bucket: z.enum(['hour', 'day', 'month']),
    ...timeRange,
    ...seriesFilter,
  })
  .strict()
  .refine((query) => !query.from || !query.to || query.from < query.to, {
    message: 'from must be before to',
    path: ['to'],
  });

export type StatsQuery = z.infer<typeof statsQuerySchema>;

export const listMeasurementsQuerySchema = z
  .object({
    ...seriesFilter,
    ...timeRange,
    limit: z.coerce.number().int().min(1).max(1_000).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export type ListMeasurementsQuery = z.infer<typeof listMeasurementsQuerySchema>;

export const ingestQuerySchema = z.object({ async: z.enum(['true', 'false']).default('false') }).strict();

export type IngestQuery = z.infer<typeof ingestQuerySchema>;

/** Opaque cursor: the (ts, id) of the last row of the previous page. */
export function encodeMeasurementCursor(ts: Date, id: string): string {
  return Buffer.from(JSON.stringify([ts.toISOString(), id])).toString('base64url');
}

export function decodeMeasurementCursor(cursor: string): { ts: string; id: string } {
  try {
    const [ts, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof ts === 'string' && !Number.isNaN(Date.parse(ts)) && typeof id === 'string' && /^\d{1,19}$/.test(id))
      return { ts, id };
  } catch {
    // falls through to the refusal below
  }
  throw new DomainError('ValidationFailed', 'cursor is not one this API returned', [
    { field: 'cursor', reason: 'invalid' },
  ]);
}

const floorHour = (date: Date) => new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
const ceilHour = (date: Date) => new Date(Math.ceil(date.getTime() / HOUR_MS) * HOUR_MS);

/** Splits [from, to) into whole hours (read from rollups) and the partial hours at its ends (read raw). */
export function statsRangesOf(from: Date | undefined, to: Date | undefined): StatsRanges {
  const hoursFrom = from ? ceilHour(from) : null;
  const hoursTo = to ? floorHour(to) : null;
  if (from && to && hoursFrom! >= hoursTo!) {
    return { hours: null, rawHead: { from, to }, rawTail: null };
  }
  return {
    hours: { from: hoursFrom, to: hoursTo },
    rawHead: from && hoursFrom!.getTime() !== from.getTime() ? { from, to: hoursFrom! } : null,
    rawTail: to && hoursTo!.getTime() !== to.getTime() ? { from: hoursTo!, to } : null,
  };
}
