import { Injectable } from '@nestjs/common';
import type { TenantClient } from '@platform/database';

export interface IdempotentOutcome {
  route: string;
  bodyHash: string;
  status: number;
  answer: unknown;
}

/** Outcomes of writes sent with an `Idempotency-Key`, in the tenant's schema, written in the write's own transaction. */
@Injectable()
export class IdempotencyRepository {
  /**
   * Serialises requests carrying the same key until the holder commits or rolls back, so a retry
   * sent while the first is in flight waits and then sees its outcome. The schema is part of the
   * lock key: advisory locks are database-wide.
   */
  async lock(client: TenantClient, key: string): Promise<void> {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('idem:' || current_schema() || ':' || $1, 0))`, [
      key,
    ]);
  }

  async find(client: TenantClient, key: string, ttlSeconds: number): Promise<IdempotentOutcome | undefined> {
    const result = await client.query<{ route: string; body_hash: string; status: number; answer: unknown }>(
      `SELECT route, body_hash, status, answer FROM idempotency_keys
        WHERE key = $1 AND created_at > now() - make_interval(secs => $2)`,
      [key, ttlSeconds],
    );
    const row = result.rows[0];
    return row && { route: row.route, bodyHash: row.body_hash, status: row.status, answer: row.answer };
  }

  /** Replaces an expired record of the same key (the sweep may not have removed it yet). */
  async save(client: TenantClient, key: string, outcome: IdempotentOutcome): Promise<void> {
    await client.query(
      `INSERT INTO idempotency_keys (key, route, body_hash, status, answer) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (key) DO UPDATE SET route = excluded.route, body_hash = excluded.body_hash,
         status = excluded.status, answer = excluded.answer, created_at = now()`,
      [key, outcome.route, outcome.bodyHash, outcome.status, JSON.stringify(outcome.answer)],
    );
  }

  async sweep(client: TenantClient, ttlSeconds: number): Promise<number> {
    const result = await client.query(
      'DELETE FROM idempotency_keys WHERE created_at <= now() - make_interval(secs => $1)',
      [ttlSeconds],
    );
    return result.rowCount ?? 0;
  }
}
