import { Injectable } from '@nestjs/common';
import type { TenantClient } from '@platform/database';

export type IngestionState = 'queued' | 'completed' | 'failed';

export interface IngestionRow {
  id: string;
  state: IngestionState;
  accepted: number;
  rejected: number;
  errors: { line: number; reason: string }[];
  created_at: Date;
  finished_at: Date | null;
}

export interface IngestionOutcome {
  state: 'completed' | 'failed';
  accepted: number;
  rejected: number;
  errors: { line: number; reason: string }[];
}

export interface ClaimedIngestion {
  contentType: string;
  /** Set only on ingestions submitted before bodies were kept in parts. */
  payload: Buffer | null;
  parts: number;
}

/**
 * Async ingestions: the submitted body is kept here, as numbered parts of at most a MiB each, until
 * a worker has stored its rows; neither side ever holds the whole body.
 */
@Injectable()
export class IngestionsRepository {
  async create(client: TenantClient, id: string, contentType: string): Promise<void> {
    await client.query(`INSERT INTO ingestions (id, state, content_type) VALUES ($1, 'queued', $2)`, [id, contentType]);
  }

  async addPart(client: TenantClient, id: string, seq: number, data: Buffer): Promise<void> {
    await client.query('INSERT INTO ingestion_parts (ingestion_id, seq, data) VALUES ($1, $2, $3)', [id, seq, data]);
  }

  async part(client: TenantClient, id: string, seq: number): Promise<Buffer> {
    const result = await client.query<{ data: Buffer }>(
      'SELECT data FROM ingestion_parts WHERE ingestion_id = $1 AND seq = $2',
      [id, seq],
    );
    const row = result.rows[0];
    if (!row) throw new Error(`Ingestion ${id} has no part ${seq}`);
    return row.data;
  }

  /** Locks the row, so two deliveries of one job cannot both ingest it. */
  async claim(client: TenantClient, id: string): Promise<ClaimedIngestion | undefined> {
    const result = await client.query<{ content_type: string; payload: Buffer | null; parts: number }>(
      `SELECT content_type, payload, (SELECT count(*)::int FROM ingestion_parts WHERE ingestion_id = $1) AS parts
         FROM ingestions WHERE id = $1 AND state = 'queued' FOR UPDATE`,
      [id],
    );
    const row = result.rows[0];
    return row ? { contentType: row.content_type, payload: row.payload, parts: row.parts } : undefined;
  }

  async finish(client: TenantClient, id: string, outcome: IngestionOutcome): Promise<void> {
    await client.query('DELETE FROM ingestion_parts WHERE ingestion_id = $1', [id]);
    await client.query(
      `UPDATE ingestions SET state = $2, accepted = $3, rejected = $4, errors = $5, payload = NULL, finished_at = now()
       WHERE id = $1 AND state = 'queued'`,
      [id, outcome.state, outcome.accepted, outcome.rejected, JSON.stringify(outcome.errors)],
    );
  }

  async queuedBefore(client: TenantClient, ageMs: number): Promise<string[]> {
    const result = await client.query<{ id: string }>(
      `SELECT id FROM ingestions WHERE state = 'queued' AND created_at < now() - make_interval(secs => $1::float8 / 1000)`,
      [ageMs],
    );
    return result.rows.map((row) => row.id);
  }

  async get(client: TenantClient, id: string): Promise<IngestionRow | undefined> {
    const result = await client.query<IngestionRow>(
      'SELECT id, state, accepted, rejected, errors, created_at, finished_at FROM ingestions WHERE id = $1',
      [id],
    );
    return result.rows[0];
  }
}
