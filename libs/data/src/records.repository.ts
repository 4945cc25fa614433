import { Injectable } from '@nestjs/common';
import type { TenantClient } from '@platform/database';
import type { RecordInput } from './record-row.js';

export interface StoredRecord {
  key: string;
  data: unknown;
  updated_at: Date;
}

/** SQL for records, always inside a tenant transaction (search_path is the tenant's schema). */
@Injectable()
export class RecordsRepository {
  /** One statement per chunk; a key repeated inside a chunk keeps its last value (callers dedupe). */
  async upsert(client: TenantClient, collection: string, records: RecordInput[]): Promise<void> {
    if (!records.length) return;
    await client.query(
      `INSERT INTO records (collection, key, data, updated_at)
       SELECT $1, key, data, now() FROM unnest($2::text[], $3::jsonb[]) AS r(key, data)
       ON CONFLICT (collection, key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
      [collection, records.map((r) => r.key), records.map((r) => r.json)],
    );
  }

  async get(client: TenantClient, collection: string, key: string): Promise<StoredRecord | undefined> {
    const result = await client.query<StoredRecord>(
      'SELECT key, data, updated_at FROM records WHERE collection = $1 AND key = $2',
      [collection, key],
    );
    return result.rows[0];
  }

  /**
   * Keys sort bytewise (COLLATE "C"), so a prefix is one contiguous index range. A page also stops
   * after the record that takes its stored data past `maxBytes`, so a page of large documents stays
   * bounded; `full` says the page was cut by either limit.
   */
  async list(
    client: TenantClient,
    collection: string,
    options: { prefix?: string; after?: string; limit: number; maxBytes: number },
  ): Promise<{ records: StoredRecord[]; full: boolean }> {
    const result = await client.query<StoredRecord & { before: string; running: string }>(
      `SELECT key, data, updated_at, running - size AS before, running FROM (
         SELECT key, data, updated_at, pg_column_size(data) AS size,
                sum(pg_column_size(data)) OVER (ORDER BY key) AS running
           FROM records
          WHERE collection = $1 AND ($2::text IS NULL OR (key >= $2 AND starts_with(key, $2)))
            AND ($3::text IS NULL OR key > $3)
          ORDER BY key LIMIT $4
       ) page
       WHERE running - size < $5
       ORDER BY key`,
      [collection, options.prefix ?? null, options.after ?? null, options.limit, options.maxBytes],
    );
    const last = result.rows[result.rows.length - 1];
    const full =
      result.rows.length === options.limit || (last !== undefined && Number(last.running) >= options.maxBytes);
    return { records: result.rows.map(({ key, data, updated_at }) => ({ key, data, updated_at })), full };
  }

  async delete(client: TenantClient, collection: string, key: string): Promise<boolean> {
    const result = await client.query('DELETE FROM records WHERE collection = $1 AND key = $2', [collection, key]);
    return (result.rowCount ?? 0) > 0;
  }
}
