import { Injectable } from '@nestjs/common';
import { type TenantClient, type TenantRef, TenantSqlService } from '@platform/database';
import type { CounterView } from './counter.schemas.js';

/** Postgres refuses a `next` past 2^53, so every value handed out stays exact as a JSON number. */
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS counters (
  name text PRIMARY KEY,
  start bigint NOT NULL,
  next bigint NOT NULL CHECK (next <= 9007199254740992),
  created_at timestamptz NOT NULL DEFAULT now()
)`;

interface CounterRow {
  name: string;
  start: string;
  next: string;
  created_at: Date;
}

const UNDEFINED_TABLE = '42P01';
const CHECK_VIOLATION = '23514';
const CREATE_RACE = new Set(['23505', '42P07']);

/**
 * Counter state in the tenant's own schema, under the tenant's role. `next` is the first value no
 * replica has leased yet; a lease is one atomic UPDATE, so two replicas never get overlapping blocks.
 */
@Injectable()
export class CountersRepository {
  constructor(private readonly sql: TenantSqlService) {}

  /**
   * Reserves `size` values and answers the first; creates the counter (starting at 1) on first use.
   * Null when fewer than `size` values are left below 2^53.
   */
  async lease(tenant: TenantRef, name: string, size: number): Promise<number | null> {
    const rows = await this.withTable(
      tenant,
      async (client) =>
        (
          await client.query<{ first: string }>(
            `INSERT INTO counters (name, start, next) VALUES ($1, 1, 1 + $2::bigint)
           ON CONFLICT (name) DO UPDATE SET next = counters.next + $2::bigint
           RETURNING next - $2::bigint AS first`,
            [name, size],
          )
        ).rows,
    ).catch((error: unknown) => {
      if (codeOf(error) === CHECK_VIOLATION) return null;
      throw error;
    });
    return rows ? Number(rows[0]!.first) : null;
  }

  /** Creates or re-bases a counter; answers null when it exists and has already leased values. */
  async create(tenant: TenantRef, name: string, start: number): Promise<CounterView | null> {
    return this.withTable(tenant, async (client) => {
      const { rows } = await client.query<CounterRow>(
        `INSERT INTO counters (name, start, next) VALUES ($1, $2::bigint, $2::bigint)
         ON CONFLICT (name) DO UPDATE SET start = EXCLUDED.start, next = EXCLUDED.next
           WHERE counters.next = counters.start
         RETURNING name, start, next, created_at`,
        [name, start],
      );
      return rows[0] ? viewOf(rows[0]) : null;
    });
  }

  async find(tenant: TenantRef, name: string): Promise<CounterView | null> {
    return this.withTable(tenant, async (client) => {
      const { rows } = await client.query<CounterRow>(
        'SELECT name, start, next, created_at FROM counters WHERE name = $1',
        [name],
      );
      return rows[0] ? viewOf(rows[0]) : null;
    });
  }

  async list(tenant: TenantRef, limit: number, after?: string): Promise<CounterView[]> {
    return this.withTable(tenant, async (client) => {
      const { rows } = await client.query<CounterRow>(
        `SELECT name, start, next, created_at FROM counters WHERE $1::text IS NULL OR name > $1 ORDER BY name LIMIT $2`,
        [after ?? null, limit],
      );
      return rows.map(viewOf);
    });
  }

  /** The table is made lazily by the tenant's role on first use, so provisioning need not know about counters. */
  private async withTable<T>(tenant: TenantRef, work: (client: TenantClient) => Promise<T>): Promise<T> {
    try {
      return await this.sql.run(tenant, work);
    } catch (error) {
      // Anything else, Postgres being down included, is answered by the shared error filter (503 there).
      if (codeOf(error) !== UNDEFINED_TABLE) throw error;
    }
    await this.sql
      .run(tenant, (client) => client.query(CREATE_TABLE))
      .catch((error: unknown) => {
        // Another replica created it at the same moment: fine.
        if (!CREATE_RACE.has(codeOf(error) ?? '')) throw error;
      });
    return this.sql.run(tenant, work);
  }
}

function viewOf(row: CounterRow): CounterView {
  return {
    name: row.name,
    start: Number(row.start),
    highWaterMark: Number(row.next) - 1,
    createdAt: row.created_at.toISOString(),
  };
}

/** Connection refused or lost, server shutting down or out of connections: worth a retry, not a 500. */
function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined;
}
