import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { TenantClient, TenantRef } from '@platform/database';
import { DomainError, isDomainError } from '@platform/errors';
import { meterRowsStored } from '@platform/usage';
import { DataTablesRepository } from './data-tables.repository.js';
import { dataBatchesRefused, dataRowsStored } from './data.metrics.js';
import type { RecordAnswer, RecordsPage } from './data-answers.js';
import { IdempotentWrites } from './idempotent-writes.js';
import { importRecords } from './record-import.js';
import { type ListRecordsQuery, RECORD_LIMITS, type RecordInput, parseRecordItem } from './record-row.js';
import { RecordsRepository, type StoredRecord } from './records.repository.js';
import { type RequestBody, bodyItems, invalidRow } from './request-body.js';

// Records are upserted a chunk at a time; the whole request is still one transaction.
const CHUNK_RECORDS = 2_000;
const CHUNK_BYTES = 4 * 1024 * 1024;
// A list page holds at most this much stored data (plus the one record that crosses it).
const PAGE_DATA_BYTES = 4 * 1024 * 1024;

function view(record: StoredRecord): RecordAnswer {
  return { key: record.key, data: record.data, updatedAt: record.updated_at.toISOString() };
}

@Injectable()
export class RecordsService {
  constructor(
    private readonly tables: DataTablesRepository,
    private readonly records: RecordsRepository,
    private readonly idempotent: IdempotentWrites,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async upsert(tenant: TenantRef, collection: string, body: RequestBody): Promise<{ upserted: number }> {
    return this.store(
      tenant,
      collection,
      body,
      'sync',
      (read) => this.recordItems(read),
      (upserted) => ({ upserted }),
    );
  }

  async import(
    tenant: TenantRef,
    collection: string,
    body: RequestBody,
    keyField: string | undefined,
  ): Promise<{ imported: number }> {
    const maxBytes = this.config.dataApi.maxImportBytes;
    return this.store(
      tenant,
      collection,
      body,
      'import',
      (read) => importRecords(read.stream, { keyField, maxBytes }),
      (imported) => ({ imported }),
    );
  }

  async get(tenant: TenantRef, collection: string, key: string): Promise<RecordAnswer> {
    const record = await this.tables.run(tenant, (client) => this.records.get(client, collection, key));
    if (!record) throw new DomainError('RecordNotFound', `No record ${key} in ${collection}`, { collection, key });
    return view(record);
  }

  async list(tenant: TenantRef, collection: string, query: ListRecordsQuery): Promise<RecordsPage> {
    const after = query.cursor === undefined ? undefined : Buffer.from(query.cursor, 'base64url').toString('utf8');
    const page = await this.tables.run(tenant, (client) =>
      this.records.list(client, collection, {
        prefix: query.prefix,
        after,
        limit: query.limit,
        maxBytes: PAGE_DATA_BYTES,
      }),
    );
    const last = page.full ? page.records[page.records.length - 1] : undefined;
    return { items: page.records.map(view), nextCursor: last ? Buffer.from(last.key).toString('base64url') : null };
  }

  async delete(tenant: TenantRef, collection: string, key: string): Promise<void> {
    const deleted = await this.tables.run(tenant, (client) => this.records.delete(client, collection, key));
    if (!deleted) throw new DomainError('RecordNotFound', `No record ${key} in ${collection}`, { collection, key });
  }

  /** All or nothing: chunks are upserted as they arrive, inside one transaction that a bad record rolls back. */
  private async store<A>(
    tenant: TenantRef,
    collection: string,
    body: RequestBody,
    path: 'sync' | 'import',
    inputsOf: (body: RequestBody) => AsyncIterable<RecordInput>,
    answerOf: (count: number) => A,
  ): Promise<A> {
    const { maxStreamBytes, maxJsonBytes, maxImportBytes } = this.config.dataApi;
    const limits = { status: 200, maxBytes: Math.max(maxStreamBytes, maxJsonBytes, maxImportBytes) };
    let stored = 0;
    const outcome = await this.tables
      .run(tenant, (client) =>
        this.idempotent.run(client, body, limits, async (read) => {
          stored = await this.upsertAll(client, collection, inputsOf(read));
          return answerOf(stored);
        }),
      )
      .catch((error: unknown) => {
        if (isDomainError(error)) dataBatchesRefused.inc({ kind: 'records' });
        throw error;
      });
    dataRowsStored.inc({ kind: 'records', path }, stored);
    meterRowsStored(tenant, 'records', stored);
    return outcome.answer;
  }

  private async upsertAll(
    client: TenantClient,
    collection: string,
    inputs: AsyncIterable<RecordInput>,
  ): Promise<number> {
    let count = 0;
    let chunk = new Map<string, RecordInput>();
    let bytes = 0;
    const flush = async () => {
      await this.records.upsert(client, collection, [...chunk.values()]);
      chunk = new Map();
      bytes = 0;
    };
    for await (const record of inputs) {
      // A key repeated within one chunk would hit the same row twice in one INSERT; the last one wins, as it would across chunks.
      chunk.delete(record.key);
      chunk.set(record.key, record);
      bytes += record.json.length;
      count += 1;
      if (chunk.size >= CHUNK_RECORDS || bytes >= CHUNK_BYTES) await flush();
    }
    await flush();
    return count;
  }

  private async *recordItems(body: RequestBody): AsyncGenerator<RecordInput> {
    const maxRows = this.config.dataApi.maxRowsPerRequest;
    let rows = 0;
    const limits = { ...this.config.dataApi, maxLineBytes: RECORD_LIMITS.ndjsonLineMaxBytes };
    for await (const batch of bodyItems(body, limits)) {
      for (const item of batch) {
        const record = parseRecordItem(item.value);
        if (typeof record === 'string') throw invalidRow(item.line, record);
        rows += 1;
        if (rows > maxRows)
          throw new DomainError('PayloadTooLarge', `At most ${maxRows} rows per request`, { maxRows });
        yield record;
      }
    }
  }
}
