import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { TenantRef } from '@platform/database';
import { DomainError, isDomainError } from '@platform/errors';
import { meterRowsStored } from '@platform/usage';
import { DataTablesRepository } from './data-tables.repository.js';
import { dataRowsStored } from './data.metrics.js';
import type { IngestionAnswer, IngestionSubmittedAnswer } from './data-answers.js';
import { IdempotentWrites } from './idempotent-writes.js';
import { IngestionQueue } from './ingestion.queue.js';
import { type ClaimedIngestion, type IngestionOutcome, IngestionsRepository } from './ingestions.repository.js';
import { parseMeasurement } from './measurement-row.js';
import { MeasurementsService } from './measurements.service.js';
import { HourRollups } from './measurement-hours.js';
import { type BodyItem, type RequestBody, bodyFormatOf, bodyItems, bodyParts } from './request-body.js';

const MAX_REPORTED_ERRORS = 100;

/**
 * `?async=true`: the body is stored in the tenant's schema and a job naming it is queued; the
 * worker stores its rows all-or-nothing, like a synchronous batch, and records the outcome.
 */
@Injectable()
export class IngestionsService {
  private readonly logger = new Logger(IngestionsService.name);

  constructor(
    private readonly tables: DataTablesRepository,
    private readonly ingestions: IngestionsRepository,
    private readonly measurements: MeasurementsService,
    private readonly queue: IngestionQueue,
    private readonly idempotent: IdempotentWrites,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /**
   * The body streams into the ingestion's parts as it arrives; one transaction (with the
   * Idempotency-Key's outcome, if any), so a refused body leaves nothing.
   */
  async submit(tenant: TenantRef, body: RequestBody): Promise<IngestionSubmittedAnswer> {
    bodyFormatOf(body.contentType);
    const maxBytes = this.config.dataApi.maxAsyncBytes;
    const ingestionId = randomUUID();
    const outcome = await this.tables.run(tenant, (client) =>
      this.idempotent.run(client, body, { status: 202, maxBytes }, async (read) => {
        await this.ingestions.create(client, ingestionId, body.contentType ?? '');
        let seq = 0;
        for await (const part of bodyParts(read.stream, maxBytes)) {
          await this.ingestions.addPart(client, ingestionId, seq, part);
          seq += 1;
        }
        return { ingestionId };
      }),
    );
    if (outcome.replayed) return outcome.answer;
    // Redis being down does not lose the batch: it is committed, and the sweep queues it later.
    await this.queue
      .enqueue({ version: 1, tenantId: tenant.tenantId, tenantSlug: tenant.tenantSlug, ingestionId })
      .catch((error: Error) =>
        this.logger.warn(`Ingestion ${ingestionId} not queued yet (the sweep will): ${error.message}`),
      );
    return { ingestionId };
  }

  async get(tenant: TenantRef, id: string): Promise<IngestionAnswer> {
    const row = await this.tables.run(tenant, (client) => this.ingestions.get(client, id));
    if (!row) throw new DomainError('IngestionNotFound', `No ingestion ${id}`, { id });
    return {
      id: row.id,
      state: row.state,
      accepted: row.accepted,
      rejected: row.rejected,
      errors: row.errors,
      createdAt: row.created_at.toISOString(),
      finishedAt: row.finished_at?.toISOString() ?? null,
    };
  }

  /**
   * Called by the worker. Claiming, storing the rows and recording the outcome are one
   * transaction, so a retried job never stores a batch twice. Errors other than bad input are
   * thrown for BullMQ to retry.
   */
  async process(tenant: TenantRef, ingestionId: string): Promise<void> {
    const stored = await this.tables.run(tenant, async (client) => {
      const claimed = await this.ingestions.claim(client, ingestionId);
      if (!claimed) return undefined;
      const body = () => ({ contentType: claimed.contentType, stream: this.bodyOf(tenant, ingestionId, claimed) });
      const problems = await this.problemsIn(bodyItems(body(), this.limits()));
      if (problems.rejected > 0) {
        await this.ingestions.finish(client, ingestionId, { state: 'failed', accepted: 0, ...problems });
        return undefined;
      }
      const batch = await this.measurements.storeRows(client, bodyItems(body(), this.limits()));
      await this.ingestions.finish(client, ingestionId, {
        state: 'completed',
        accepted: batch.accepted,
        rejected: 0,
        errors: [],
      });
      return batch;
    });
    if (!stored) return;
    dataRowsStored.inc({ kind: 'measurements', path: 'async' }, stored.accepted);
    meterRowsStored(tenant, 'measurements', stored.accepted);
    await this.measurements.afterCommit(tenant, stored);
  }

  /**
   * Postgres holds the ingestion, Redis only the job: a job lost with Redis is queued again
   * (same job id, so one that still exists is not duplicated).
   */
  async requeueStale(tenant: TenantRef, ageMs: number): Promise<number> {
    const ids = await this.tables.run(tenant, (client) => this.ingestions.queuedBefore(client, ageMs));
    for (const ingestionId of ids) {
      await this.queue.enqueue({ version: 1, tenantId: tenant.tenantId, tenantSlug: tenant.tenantSlug, ingestionId });
    }
    return ids.length;
  }

  /** The worker gave up (retries exhausted): the outcome is recorded so callers stop waiting. */
  async giveUp(tenant: TenantRef, ingestionId: string, reason: string): Promise<void> {
    await this.tables.run(tenant, (client) =>
      this.ingestions.finish(client, ingestionId, {
        state: 'failed',
        accepted: 0,
        rejected: 0,
        errors: [{ line: 0, reason }],
      }),
    );
  }

  /** Unlike a synchronous batch, which stops at the first bad row, the report lists every bad row (the first 100). */
  private async problemsIn(items: AsyncIterable<BodyItem[]>): Promise<Pick<IngestionOutcome, 'rejected' | 'errors'>> {
    const errors: IngestionOutcome['errors'] = [];
    let rejected = 0;
    let rows = 0;
    const rollups = new HourRollups(this.config.dataApi.maxRollupKeys);
    try {
      for await (const batch of items) {
        for (const item of batch) {
          rows += 1;
          const row = parseMeasurement(item.value);
          if (typeof row !== 'string') {
            rollups.add(row, item.line);
            continue;
          }
          rejected += 1;
          if (errors.length < MAX_REPORTED_ERRORS) errors.push({ line: item.line, reason: row });
        }
      }
    } catch (error) {
      if (!isDomainError(error)) throw error;
      const details = error.details as { line?: number } | undefined;
      return {
        rejected: rejected + 1,
        errors: [...errors, { line: details?.line ?? rows + 1, reason: error.message }],
      };
    }
    if (rows > this.config.dataApi.maxRowsPerRequest) {
      return {
        rejected: rows,
        errors: [{ line: 0, reason: `At most ${this.config.dataApi.maxRowsPerRequest} rows per request` }],
      };
    }
    return { rejected, errors };
  }

  /**
   * Parts are read one at a time, each on a connection of its own: the claiming one is busy with
   * COPY while they are read. They were committed by the submit, so any connection sees them.
   */
  private bodyOf(tenant: TenantRef, ingestionId: string, claimed: ClaimedIngestion): Readable {
    if (claimed.payload) return Readable.from([claimed.payload]);
    const read = (seq: number) => this.tables.run(tenant, (client) => this.ingestions.part(client, ingestionId, seq));
    return Readable.from(
      (async function* () {
        for (let seq = 0; seq < claimed.parts; seq += 1) yield await read(seq);
      })(),
    );
  }

  private limits() {
    const { maxAsyncBytes, maxLineBytes } = this.config.dataApi;
    return { maxJsonBytes: maxAsyncBytes, maxStreamBytes: maxAsyncBytes, maxLineBytes };
  }
}
