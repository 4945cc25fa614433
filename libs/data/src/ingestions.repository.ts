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

/** Async ingestions: the submitted body is kept here until a worker has stored its rows. */
@Injectable()
export class IngestionsRepository {
  async create(client: TenantClient, id: string, contentType: string, payload: Buffer): Promise<void> {
    await client.query(`INSERT INTO ingestions (id, state, content_type, payload) VALUES ($1, 'queued', $2, $3)`, [
      id,
      contentType,
      payload,
    ]);
  }

  /** Locks the row, so two deliveries of one job cannot both ingest it. */
  async claim(client: TenantClient, id: string): Promise<{ contentType: string; payload: Buffer } | undefined> {
    const result = await client.query<{ content_type: string; payload: Buffer }>(
      `SELECT content_type, payload FROM ingestions WHERE id = $1 AND state = 'queued' FOR UPDATE`,
      [id],
    );
    const row = result.rows[0];
    return row ? { contentType: row.content_type, payload: row.payload } : undefined;
  }

  async finish(client: TenantClient, id: string, outcome: IngestionOutcome): Promise<void> {
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
