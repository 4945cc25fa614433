import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import {
  INGESTION_JOB_NAME,
  INGESTION_QUEUE,
  type IngestionJobPayload,
  createRedis,
  ingestionJobId,
} from '@platform/queue';

@Injectable()
export class IngestionQueue implements OnModuleDestroy {
  private readonly logger = new Logger(IngestionQueue.name);
  private readonly redis: Redis;
  private readonly queue: Queue<IngestionJobPayload>;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.redis = createRedis(config.redis, 'producer');
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.queue = new Queue(INGESTION_QUEUE, { connection: this.redis, prefix: config.redis.prefix });
    this.queue.on('error', (error) => this.logger.warn(`Queue connection: ${error.message}`));
  }

  async enqueue(payload: IngestionJobPayload): Promise<void> {
    await this.queue.add(INGESTION_JOB_NAME, payload, {
      jobId: ingestionJobId(payload.tenantId, payload.ingestionId),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000 },
      removeOnComplete: { count: 1_000 },
      removeOnFail: { count: 1_000 },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
