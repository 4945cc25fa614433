import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { INGESTION_QUEUE, createRedis, ingestionJobPayloadSchema } from '@platform/queue';
import { IngestionsService } from './ingestions.service.js';

/** Runs in the data-api process: parse the job, hand it to the service; BullMQ retries what throws. */
@Injectable()
export class IngestionWorker implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IngestionWorker.name);
  private redis?: Redis;
  private worker?: Worker;

  constructor(
    private readonly ingestions: IngestionsService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onModuleInit(): void {
    this.redis = createRedis(this.config.redis, 'worker');
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.worker = new Worker(INGESTION_QUEUE, (job) => this.process(job), {
      connection: this.redis,
      prefix: this.config.redis.prefix,
      concurrency: this.config.dataApi.ingestionConcurrency,
    });
    this.worker.on('error', (error) => this.logger.warn(`Ingestion worker: ${error.message}`));
    this.worker.on('failed', (job, error) => void this.recordFinalFailure(job, error));
  }

  /** Bad rows are an outcome, not a failure (the service records them); what throws here is retried. */
  private async process(job: Job): Promise<void> {
    const payload = ingestionJobPayloadSchema.safeParse(job.data);
    if (!payload.success) throw new UnrecoverableError(`Malformed ingestion job: ${payload.error.message}`);
    const { tenantId, tenantSlug, ingestionId } = payload.data;
    // A single-tenant worker's queue is its tenant's (prefix), but Redis' one AUTH string is shared.
    const single = this.config.tenancy.single;
    if (single && tenantId !== single.tenantId) throw new UnrecoverableError('Job of another tenant');
    await this.ingestions.process({ tenantId, tenantSlug }, ingestionId);
  }

  private async recordFinalFailure(job: Job | undefined, error: Error): Promise<void> {
    const payload = ingestionJobPayloadSchema.safeParse(job?.data);
    if (!job || !payload.success) return;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    const { tenantId, tenantSlug, ingestionId } = payload.data;
    await this.ingestions
      .giveUp({ tenantId, tenantSlug }, ingestionId, `Gave up after ${job.attemptsMade} attempts: ${error.message}`)
      .catch((cause: Error) =>
        this.logger.error(`Could not record the failure of ingestion ${ingestionId}: ${cause.message}`),
      );
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    this.redis?.disconnect();
  }
}
