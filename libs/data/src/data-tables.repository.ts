import { Injectable } from '@nestjs/common';
import { type TenantClient, type TenantRef, TenantSqlService } from '@platform/database';

/**
 * The data workload's tables, created in the tenant's own schema (the session's search_path) on
 * first use. `hour` rollups are kept beside the raw readings so stats over millions of rows read
 * thousands of rows instead.
 */
const TENANT_TABLES_DDL = `
CREATE TABLE IF NOT EXISTS measurements (
  id bigint GENERATED ALWAYS AS IDENTITY,
  source text NOT NULL,
  metric text NOT NULL,
  ts timestamptz NOT NULL,
  value double precision NOT NULL,
  tags jsonb
);
CREATE INDEX IF NOT EXISTS measurements_series_idx ON measurements (source, metric, ts, id);
CREATE INDEX IF NOT EXISTS measurements_ts_idx ON measurements (ts, id);
CREATE TABLE IF NOT EXISTS measurement_hours (
  source text NOT NULL,
  metric text NOT NULL,
  hour timestamptz NOT NULL,
  count bigint NOT NULL,
  sum double precision NOT NULL,
  min double precision NOT NULL,
  max double precision NOT NULL,
  PRIMARY KEY (source, metric, hour)
);
CREATE TABLE IF NOT EXISTS records (
  collection text COLLATE "C" NOT NULL,
  key text COLLATE "C" NOT NULL,
  data jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (collection, key)
);
CREATE TABLE IF NOT EXISTS ingestions (
  id uuid PRIMARY KEY,
  state text NOT NULL,
  content_type text NOT NULL,
  payload bytea,
  accepted integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  errors jsonb NOT NULL DEFAULT '[]',
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE TABLE IF NOT EXISTS ingestion_parts (
  ingestion_id uuid NOT NULL REFERENCES ingestions (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (ingestion_id, seq)
);
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key text PRIMARY KEY,
  route text NOT NULL,
  body_hash text NOT NULL,
  status integer NOT NULL,
  answer jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created_idx ON idempotency_keys (created_at);`;

/**
 * Every data repository runs its work through here: one transaction under the tenant's role and
 * schema, after the tenant's tables exist. Creation is its own committed transaction, so a batch
 * that rolls back on the first request does not take the tables (or our memory of them) with it.
 */
@Injectable()
export class DataTablesRepository {
  private readonly ready = new Set<string>();

  constructor(private readonly sql: TenantSqlService) {}

  async run<T>(tenant: TenantRef, work: (client: TenantClient) => Promise<T>): Promise<T> {
    if (!this.ready.has(tenant.tenantId)) {
      await this.sql.run(tenant, (client) => this.create(tenant, client));
      this.ready.add(tenant.tenantId);
    }
    return this.sql.run(tenant, work);
  }

  /** The advisory lock serialises first requests racing on `CREATE TABLE IF NOT EXISTS`, which is not atomic. */
  private async create(tenant: TenantRef, client: TenantClient): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('data-tables:' || $1, 0))`, [tenant.tenantId]);
    await client.query(TENANT_TABLES_DDL);
  }
}
