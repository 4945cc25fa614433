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

  /** Keys sort bytewise (COLLATE "C"), so a prefix is one contiguous index range. */
  async list(
    client: TenantClient,
    collection: string,
    options: { prefix?: string; after?: string; limit: number },
  ): Promise<StoredRecord[]> {
    const result = await client.query<StoredRecord>(
      `SELECT key, data, updated_at FROM records
       WHERE collection = $1 AND ($2::text IS NULL OR (key >= $2 AND starts_with(key, $2)))
         AND ($3::text IS NULL OR key > $3)
       ORDER BY key LIMIT $4`,
      [collection, options.prefix ?? null, options.after ?? null, options.limit],
    );
    return result.rows;
  }

  async delete(client: TenantClient, collection: string, key: string): Promise<boolean> {
    const result = await client.query('DELETE FROM records WHERE collection = $1 AND key = $2', [collection, key]);
    return (result.rowCount ?? 0) > 0;
  }
}
