import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { TenantClient, TenantRef } from '@platform/database';
import { DomainError, isDomainError } from '@platform/errors';
import { meterRowsStored } from '@platform/usage';
import { DataTablesRepository } from './data-tables.repository.js';
import { dataBatchesRefused, dataRowsStored, statsCacheLookups } from './data.metrics.js';
import type { AcceptedAnswer, ReadingsPage, StatsAnswer } from './data-answers.js';
import { IdempotentWrites } from './idempotent-writes.js';
import { HourRollups } from './measurement-hours.js';
import {
  type ListMeasurementsQuery,
  type StatsQuery,
  decodeMeasurementCursor,
  encodeMeasurementCursor,
  statsRangesOf,
} from './measurement-queries.js';
import { measurementCopyLine, parseMeasurement } from './measurement-row.js';
import { MeasurementsRepository } from './measurements.repository.js';
import { type BodyItem, type RequestBody, bodyItems, invalidRow } from './request-body.js';
import { StatsCache } from './stats-cache.js';

export interface StatsAnswerRow {
  bucket: string;
  source?: string;
  metric?: string;
  count: number;
  sum: number;
  avg: number;
  min: number;
  max: number;
}

// One answer is built in memory and cached in Redis whole, so it is bounded.
export const MAX_STATS_ROWS = 50_000;

export interface StoredBatch {
  accepted: number;
  rollups: HourRollups;
}

@Injectable()
export class MeasurementsService {
  constructor(
    private readonly tables: DataTablesRepository,
    private readonly measurements: MeasurementsRepository,
    private readonly cache: StatsCache,
    private readonly idempotent: IdempotentWrites,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async ingest(tenant: TenantRef, body: RequestBody): Promise<AcceptedAnswer> {
    const limits = {
      status: 200,
      maxBytes: Math.max(this.config.dataApi.maxStreamBytes, this.config.dataApi.maxJsonBytes),
    };
    let stored: StoredBatch | undefined;
    const outcome = await this.tables
      .run(tenant, (client) =>
        this.idempotent.run(client, body, limits, async (read) => {
          stored = await this.storeRows(client, bodyItems(read, this.config.dataApi));
          return { accepted: stored.accepted };
        }),
      )
      .catch((error: unknown) => {
        if (isDomainError(error)) dataBatchesRefused.inc({ kind: 'measurements' });
        throw error;
      });
    if (stored) {
      dataRowsStored.inc({ kind: 'measurements', path: 'sync' }, stored.accepted);
      meterRowsStored(tenant, 'measurements', stored.accepted);
      await this.afterCommit(tenant, stored);
    }
    return outcome.answer;
  }

  /**
   * All or nothing: rows are validated while they stream into COPY, and one bad row rolls the
   * caller's tenant transaction back. Call `afterCommit` once it has committed.
   */
  async storeRows(client: TenantClient, items: AsyncIterable<BodyItem[]>): Promise<StoredBatch> {
    const rollups = new HourRollups(this.config.dataApi.maxRollupKeys);
    const accepted = await this.measurements.copyIn(client, this.copyLines(items, rollups));
    await this.measurements.addHours(client, rollups.values());
    return { accepted, rollups };
  }

  async afterCommit(tenant: TenantRef, stored: StoredBatch): Promise<void> {
    if (stored.accepted > 0) await this.cache.invalidate(tenant, stored.rollups.minTsMs, stored.rollups.maxTsMs);
  }

  async list(tenant: TenantRef, query: ListMeasurementsQuery): Promise<ReadingsPage> {
    const after = query.cursor ? decodeMeasurementCursor(query.cursor) : undefined;
    const rows = await this.tables.run(tenant, (client) => this.measurements.list(client, { ...query, after }));
    const last = rows.length === query.limit ? rows[rows.length - 1] : undefined;
    return {
      items: rows.map(({ source, metric, ts, value, tags }) => ({
        source,
        metric,
        ts: ts.toISOString(),
        value,
        ...(tags ? { tags } : {}),
      })),
      nextCursor: last ? encodeMeasurementCursor(last.ts, last.id) : null,
    };
  }

  async stats(tenant: TenantRef, query: StatsQuery): Promise<StatsAnswer> {
    const series = { source: query.source?.toSorted(), metric: query.metric?.toSorted() };
    const queryKey = JSON.stringify([
      query.groupBy,
      query.bucket,
      query.from?.toISOString(),
      query.to?.toISOString(),
      series.source ?? null,
      series.metric ?? null,
    ]);
    const cached = await this.cache.get(tenant, queryKey);
    statsCacheLookups.inc({ result: cached ? 'hit' : 'miss' });
    if (cached) return { rows: JSON.parse(cached) as StatsAnswerRow[], cached: true };
    const version = await this.cache.version(tenant);
    const ranges = statsRangesOf(query.from, query.to);
    const rows = await this.tables.run(tenant, (client) =>
      this.measurements.stats(client, query.groupBy, query.bucket, ranges, series, MAX_STATS_ROWS + 1),
    );
    if (rows.length > MAX_STATS_ROWS) {
      throw new DomainError(
        'ValidationFailed',
        `Stats would exceed ${MAX_STATS_ROWS} rows: narrow from/to or use a coarser bucket`,
        {
          maxRows: MAX_STATS_ROWS,
        },
      );
    }
    const answer = rows.map(({ bucket, source, metric, count, sum, min, max }) => ({
      bucket: bucket.toISOString(),
      ...(source === undefined ? {} : { source }),
      ...(metric === undefined ? {} : { metric }),
      count: Number(count),
      sum,
      avg: sum / Number(count),
      min,
      max,
    }));
    const range = { fromMs: query.from?.getTime() ?? null, toMs: query.to?.getTime() ?? null };
    await this.cache.put(tenant, queryKey, version, range, JSON.stringify(answer));
    return { rows: answer, cached: false };
  }

  private async *copyLines(items: AsyncIterable<BodyItem[]>, rollups: HourRollups): AsyncGenerator<string> {
    const maxRows = this.config.dataApi.maxRowsPerRequest;
    let rows = 0;
    for await (const batch of items) {
      let text = '';
      for (const item of batch) {
        const row = parseMeasurement(item.value);
        if (typeof row === 'string') throw invalidRow(item.line, row);
        rows += 1;
        if (rows > maxRows)
          throw new DomainError('PayloadTooLarge', `At most ${maxRows} rows per request`, { maxRows });
        rollups.add(row, item.line);
        text += measurementCopyLine(row);
      }
      if (text) yield text;
    }
  }
}
