import { Inject, Injectable, Logger } from '@nestjs/common';
import pg from 'pg';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { hearLostConnections, pgConnectionOptions } from '@platform/database';
import { USAGE_METRICS, type UsageIncrement } from './usage.meter.js';

export interface UsagePeriodRow {
  tenant: string;
  period: Date;
  counterValues: string;
  rowsIngested: string;
  apiRequests: string;
  storedBytes: string;
}

export interface UsageRange {
  from: Date;
  to: Date;
  periodSeconds: number;
}

// The four figures of a period, from the hourly rows joined as `u`; stored bytes is the latest
// sample taken before the period ends (sampled daily, so an hour shows the day's figure).
const FIGURES = `
  coalesce(sum(u.value) FILTER (WHERE u.metric = '${USAGE_METRICS.counterValues}'), 0)::text AS "counterValues",
  coalesce(sum(u.value) FILTER (WHERE u.metric IN ('${USAGE_METRICS.recordsStored}', '${USAGE_METRICS.measurementsStored}')), 0)::text AS "rowsIngested",
  coalesce(sum(u.value) FILTER (WHERE u.metric LIKE '${USAGE_METRICS.requestsPrefix}%'), 0)::text AS "apiRequests",
  coalesce((SELECT s.value FROM "UsageHour" s
            WHERE s."tenantId" = t.id AND s.metric = '${USAGE_METRICS.storedBytes}'
              AND s.hour < p.period + make_interval(secs => $3::int)
            ORDER BY s.hour DESC LIMIT 1), 0)::text AS "storedBytes"`;

/**
 * The only code that reads or writes metered usage. It has a small pool of its own, so the
 * last flush on shutdown still has a connection after the app's other pools have closed;
 * `UsageFlusher` closes it after that flush.
 */
@Injectable()
export class UsageRepository {
  private readonly logger = new Logger(UsageRepository.name);
  private readonly pool: pg.Pool;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.pool = new pg.Pool({ ...pgConnectionOptions(config.database), max: 2 });
    hearLostConnections(this.pool, (message) => this.logger.warn(message));
  }

  /** One statement for the whole batch: each (tenant, hour, metric) row gains its amount. */
  async add(increments: readonly UsageIncrement[]): Promise<void> {
    await this.upsert(increments, '"UsageHour"."value" + EXCLUDED."value"');
  }

  /** Samples, and rows collected from tenants' schemas, replace the hour's figure rather than adding to it. */
  async replace(figures: readonly UsageIncrement[]): Promise<void> {
    await this.upsert(figures, 'EXCLUDED."value"');
  }

  /** Tenants whose schema may hold usage to collect. */
  async liveTenants(): Promise<{ id: string; slug: string }[]> {
    const result = await this.pool.query<{ id: string; slug: string }>(
      `SELECT id, slug FROM "Tenant" WHERE phase IN ('Ready', 'Suspended', 'Provisioning', 'Failed') ORDER BY slug`,
    );
    return result.rows;
  }

  /** Tenants with live data and no stored-bytes sample since `since`. */
  async unsampledTenants(since: Date): Promise<{ id: string; slug: string; placement: 'pooled' | 'silo' }[]> {
    const result = await this.pool.query<{ id: string; slug: string; placement: 'pooled' | 'silo' }>(
      `SELECT t.id, t.slug, t.placement FROM "Tenant" t
       WHERE t.phase IN ('Ready', 'Suspended')
         AND NOT EXISTS (SELECT 1 FROM "UsageHour" s
                         WHERE s."tenantId" = t.id AND s.metric = $1 AND s.hour >= $2)
       ORDER BY t.slug`,
      [USAGE_METRICS.storedBytes, since],
    );
    return result.rows;
  }

  /** Tables, indexes and TOAST of one schema of the pooled database. */
  async schemaBytes(schema: string): Promise<number> {
    const result = await this.pool.query<{ bytes: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [schema],
    );
    return Number(result.rows[0]?.bytes ?? 0);
  }

  /** Every period of the range for one tenant, empty ones included (zeros). */
  async tenantPeriods(tenantId: string, range: UsageRange): Promise<UsagePeriodRow[]> {
    const result = await this.pool.query<UsagePeriodRow>(
      `SELECT t.slug AS tenant, p.period, ${FIGURES}
       FROM "Tenant" t
       CROSS JOIN generate_series($1::timestamptz, $2::timestamptz - interval '1 millisecond', make_interval(secs => $3::int)) AS p(period)
       LEFT JOIN "UsageHour" u ON u."tenantId" = t.id AND u.hour >= p.period AND u.hour < p.period + make_interval(secs => $3::int)
       WHERE t.id = $4
       GROUP BY t.id, t.slug, p.period
       ORDER BY p.period`,
      [range.from, range.to, range.periodSeconds, tenantId],
    );
    return result.rows;
  }

  /** Periods in which a tenant used anything, for every tenant (the billing export). */
  async allPeriods(range: UsageRange): Promise<UsagePeriodRow[]> {
    const result = await this.pool.query<UsagePeriodRow>(
      `SELECT t.slug AS tenant, p.period, ${FIGURES}
       FROM "UsageHour" u
       JOIN "Tenant" t ON t.id = u."tenantId"
       CROSS JOIN LATERAL (SELECT to_timestamp(floor(extract(epoch FROM u.hour) / $3::int) * $3::int) AS period) p
       WHERE u.hour >= $1 AND u.hour < $2
       GROUP BY t.id, t.slug, p.period
       ORDER BY p.period, t.slug`,
      [range.from, range.to, range.periodSeconds],
    );
    return result.rows;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async upsert(increments: readonly UsageIncrement[], newValue: string): Promise<void> {
    if (increments.length === 0) return;
    await this.pool.query(
      `INSERT INTO "UsageHour" ("tenantId", "hour", "metric", "value")
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::bigint[])
       ON CONFLICT ("tenantId", "hour", "metric") DO UPDATE SET "value" = ${newValue}`,
      [
        increments.map((increment) => increment.tenantId),
        increments.map((increment) => increment.hour),
        increments.map((increment) => increment.metric),
        increments.map((increment) => increment.value),
      ],
    );
  }
}
