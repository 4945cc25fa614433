import { Injectable } from '@nestjs/common';
import {
  type Prisma,
  type TenantClient,
  type TenantDatabaseNames,
  type TenantRef,
  TenantSqlService,
  quoteIdent,
} from '@platform/database';
import type { UsageIncrement } from './usage.meter.js';

/** A tenant's own copy of its usage, in its schema, written and read under its own role only. */
const tenantUsageDdl = (table: string) => `
CREATE TABLE IF NOT EXISTS ${table} (
  hour timestamptz NOT NULL,
  metric text NOT NULL,
  value bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (hour, metric)
);
CREATE INDEX IF NOT EXISTS usage_hours_updated_idx ON ${table} (updated_at);`;

/**
 * Provisioner, on every converge: `usage_hours` in the tenant's schema, owned by the tenant role, so
 * it is there before any workload of the tenant (a single-tenant one writes it) or the collector looks.
 */
export async function ensureTenantUsageTable(tx: Prisma.TransactionClient, names: TenantDatabaseNames): Promise<void> {
  const table = `${quoteIdent(names.schema)}.usage_hours`;
  for (const statement of tenantUsageDdl(table).split(';')) {
    if (statement.trim()) await tx.$executeRawUnsafe(statement);
  }
  await tx.$executeRawUnsafe(`ALTER TABLE ${table} OWNER TO ${quoteIdent(names.role)}`);
}

export interface TenantUsageHourRow {
  hour: Date;
  metric: string;
  value: string;
  updatedAt: Date;
}

/**
 * `USAGE_STORE=tenant`: where a workload holds only its tenant's credentials, its usage is added to
 * `usage_hours` in the tenant's schema, and the control plane collects it from there.
 */
@Injectable()
export class TenantUsageRepository {
  private readonly ready = new Set<string>();

  constructor(private readonly sql: TenantSqlService) {}

  /** One statement per tenant and flush; a tenant provisioned before the table existed gets it on the first. */
  async add(tenant: TenantRef, increments: readonly UsageIncrement[]): Promise<void> {
    await this.sql.run(tenant, async (client) => {
      if (!this.ready.has(tenant.tenantId)) await this.create(tenant, client);
      await client.query(
        `INSERT INTO usage_hours (hour, metric, value)
         SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::bigint[])
         ON CONFLICT (hour, metric) DO UPDATE
         SET value = usage_hours.value + EXCLUDED.value, updated_at = clock_timestamp()`,
        [
          increments.map((increment) => increment.hour),
          increments.map((increment) => increment.metric),
          increments.map((increment) => increment.value),
        ],
      );
    });
    this.ready.add(tenant.tenantId);
  }

  /**
   * Rows changed since `since` (all rows without it); none when the tenant has never metered anything.
   * Rows already collected (changed at or before `since`) of hours before `pruneBefore` are deleted
   * in the same transaction: the platform's table keeps them.
   */
  async changedSince(tenant: TenantRef, since: Date | undefined, pruneBefore?: Date): Promise<TenantUsageHourRow[]> {
    return this.sql.run(tenant, async (client) => {
      const exists = await client.query<{ table: string | null }>(`SELECT to_regclass('usage_hours')::text AS table`);
      if (!exists.rows[0]?.table) return [];
      if (since && pruneBefore)
        await client.query(`DELETE FROM usage_hours WHERE hour < $1 AND updated_at <= $2`, [pruneBefore, since]);
      const result = await client.query<TenantUsageHourRow>(
        `SELECT hour, metric, value::text AS value, updated_at AS "updatedAt" FROM usage_hours
         WHERE $1::timestamptz IS NULL OR updated_at > $1::timestamptz`,
        [since ?? null],
      );
      return result.rows;
    });
  }

  /** Tables, indexes and TOAST of the tenant's schema, wherever it is placed (a silo tenant's is in its own database). */
  async schemaBytes(tenant: TenantRef): Promise<number> {
    const result = await this.sql.run(tenant, (client) =>
      client.query<{ bytes: string }>(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::text AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')`,
      ),
    );
    return Number(result.rows[0]?.bytes ?? 0);
  }

  private async create(tenant: TenantRef, client: TenantClient): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('usage-hours:' || $1, 0))`, [tenant.tenantId]);
    await client.query(tenantUsageDdl('usage_hours'));
  }
}
