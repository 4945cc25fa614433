import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
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
    this.redis = createRedis(this.config.redis.url, 'worker');
    this.worker = new Worker(INGESTION_QUEUE, (job) => this.process(job), {
      connection: this.redis,
      prefix: this.config.redis.prefix,
      concurrency: this.config.dataApi.ingestionConcurrency,
    });
    this.worker.on('error', (error) => this.logger.warn(`Ingestion worker: ${error.message}`));
  }

  private async process(job: Job): Promise<void> {
    const payload = ingestionJobPayloadSchema.parse(job.data);
    await this.ingestions.process({ tenantId: payload.tenantId, tenantSlug: payload.tenantSlug }, payload.ingestionId);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
    this.redis?.disconnect();
  }
}
