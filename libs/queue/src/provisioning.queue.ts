import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { traceCarrier } from '@platform/trace-context';
import {
  PROVISIONING_QUEUE,
  type ProvisioningJobName,
  type ProvisioningJobPayload,
  provisioningJobId,
} from './provisioning-job.contract.js';
import { createRedis } from './redis-connection.js';

export interface EnqueueResult {
  jobId: string;
  queued: boolean;
}

@Injectable()
export class ProvisioningQueue implements OnModuleDestroy {
  private readonly logger = new Logger(ProvisioningQueue.name);
  private readonly redis: Redis;
  readonly queue: Queue<ProvisioningJobPayload, void, ProvisioningJobName>;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    this.redis = createRedis(config.redis.url, 'producer');
    this.queue = new Queue(PROVISIONING_QUEUE, {
      connection: this.redis,
      prefix: config.redis.prefix,
    });
    this.queue.on('error', (error) => this.logger.warn(`Queue connection: ${error.message}`));
  }

  /**
   * Adds the job for (tenant, generation). Adding an id that already exists is a no-op in BullMQ,
   * which is what makes re-enqueueing from the reconciler safe. A Redis outage is reported, not
   * thrown: the desired state is already committed and the reconciler will enqueue it.
   */
  async enqueue(name: ProvisioningJobName, tenantId: string, generation: number): Promise<EnqueueResult> {
    const jobId = provisioningJobId(tenantId, generation);
    const { maxAttempts, backoffMs } = this.config.provisioner;
    try {
      await this.queue.add(
        name,
        { version: 1, tenantId, generation, trace: traceCarrier() },
        {
          jobId,
          attempts: maxAttempts,
          backoff: { type: 'exponential', delay: backoffMs },
          removeOnComplete: { count: 5_000 },
          removeOnFail: { count: 5_000 },
        },
      );
      return { jobId, queued: true };
    } catch (error) {
      this.logger.warn(`Could not enqueue ${jobId} (the reconciler will retry): ${(error as Error).message}`);
      return { jobId, queued: false };
    }
  }

  jobCounts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
  }

  /** How long the oldest waiting job has waited (0 when none waits). */
  async oldestWaitingAgeMs(): Promise<number> {
    const [oldest] = await this.queue.getJobs(['waiting', 'prioritized'], 0, 0, true);
    return oldest ? Date.now() - oldest.timestamp : 0;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
