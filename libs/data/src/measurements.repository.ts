import { Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { from as copyFrom } from 'pg-copy-streams';
import type { TenantClient } from '@platform/database';
import type { HourRollup } from './measurement-hours.js';
import { STATS_SQL, type StatsGroupBy } from './measurement-stats.sql.js';

/** Readings of any of these sources (and any of these metrics); undefined means all. */
export interface SeriesFilter {
  source?: string[];
  metric?: string[];
}

export interface MeasurementFilter extends SeriesFilter {
  from?: Date;
  to?: Date;
  after?: { ts: string; id: string };
  limit: number;
}

export interface MeasurementRow {
  id: string;
  source: string;
  metric: string;
  ts: Date;
  value: number;
  tags: Record<string, string | number | boolean> | null;
}

export interface StatsRanges {
  hours: { from: Date | null; to: Date | null } | null;
  rawHead: { from: Date; to: Date } | null;
  rawTail: { from: Date; to: Date } | null;
}

export interface StatsRow {
  bucket: Date;
  source?: string;
  metric?: string;
  count: string;
  sum: number;
  min: number;
  max: number;
}

const ROLLUP_CHUNK = 10_000;

/** SQL for measurements, always inside a tenant transaction (search_path is the tenant's schema). */
@Injectable()
export class MeasurementsRepository {
  /** Streams COPY text lines into the table; if `lines` throws, COPY is aborted and the caller's transaction rolls back. */
  async copyIn(client: TenantClient, lines: AsyncIterable<string>): Promise<number> {
    const copy = client.query(copyFrom('COPY measurements (source, metric, ts, value, tags) FROM STDIN'));
    await pipeline(Readable.from(lines, { objectMode: false }), copy);
    return copy.rowCount;
  }

  /** Sorted so concurrent batches touching the same hours lock them in the same order (no deadlock). */
  async addHours(client: TenantClient, rollups: HourRollup[]): Promise<void> {
    rollups.sort((a, b) =>
      a.source < b.source
        ? -1
        : a.source > b.source
          ? 1
          : a.metric < b.metric
            ? -1
            : a.metric > b.metric
              ? 1
              : a.hourMs - b.hourMs,
    );
    for (let start = 0; start < rollups.length; start += ROLLUP_CHUNK) {
      const chunk = rollups.slice(start, start + ROLLUP_CHUNK);
      await client.query(
        `INSERT INTO measurement_hours AS h (source, metric, hour, count, sum, min, max)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[])
         ON CONFLICT (source, metric, hour) DO UPDATE SET
           count = h.count + excluded.count, sum = h.sum + excluded.sum,
           min = least(h.min, excluded.min), max = greatest(h.max, excluded.max)`,
        [
          chunk.map((r) => r.source),
          chunk.map((r) => r.metric),
          chunk.map((r) => new Date(r.hourMs).toISOString()),
          chunk.map((r) => r.count),
          chunk.map((r) => r.sum),
          chunk.map((r) => r.min),
          chunk.map((r) => r.max),
        ],
      );
    }
  }

  async list(client: TenantClient, filter: MeasurementFilter): Promise<MeasurementRow[]> {
    const result = await client.query<MeasurementRow>(
      `SELECT id::text AS id, source, metric, ts, value, tags FROM measurements
       WHERE ($1::text[] IS NULL OR source = ANY($1)) AND ($2::text[] IS NULL OR metric = ANY($2))
         AND ($3::timestamptz IS NULL OR ts >= $3) AND ($4::timestamptz IS NULL OR ts < $4)
         AND ($5::timestamptz IS NULL OR (ts, id) > ($5::timestamptz, $6::bigint))
       ORDER BY ts, id LIMIT $7`,
      [
        filter.source ?? null,
        filter.metric ?? null,
        filter.from ?? null,
        filter.to ?? null,
        filter.after?.ts ?? null,
        filter.after?.id ?? null,
        filter.limit,
      ],
    );
    return result.rows;
  }

  async stats(
    client: TenantClient,
    groupBy: StatsGroupBy,
    bucket: string,
    ranges: StatsRanges,
    series: SeriesFilter,
    limit: number,
  ): Promise<StatsRow[]> {
    const result = await client.query<StatsRow>(STATS_SQL[groupBy], [
      ranges.hours !== null,
      ranges.hours?.from ?? null,
      ranges.hours?.to ?? null,
      ranges.rawHead?.from ?? null,
      ranges.rawHead?.to ?? null,
      ranges.rawTail?.from ?? null,
      ranges.rawTail?.to ?? null,
      bucket,
      limit,
      series.source ?? null,
      series.metric ?? null,
    ]);
    return result.rows;
  }
}
