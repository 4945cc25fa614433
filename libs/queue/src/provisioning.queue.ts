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

interface PendingJob {
  name: ProvisioningJobName;
  payload: ProvisioningJobPayload;
  jobId: string;
  settle: (result: EnqueueResult) => void;
}

@Injectable()
export class ProvisioningQueue implements OnModuleDestroy {
  private readonly logger = new Logger(ProvisioningQueue.name);
  private readonly redis: Redis;
  readonly queue: Queue<ProvisioningJobPayload, void, ProvisioningJobName>;
  private pending: PendingJob[] = [];
  /** Batches on their way to Redis: shutdown waits for them. */
  private readonly sending = new Set<Promise<void>>();
  private window?: NodeJS.Timeout;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    this.redis = createRedis(config.redis, 'producer');
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
   *
   * Calls within the coalescing window (PROVISIONING_ENQUEUE_WINDOW_MS) go to Redis together in one
   * addBulk, so a burst of changes costs one round trip per window instead of one per change.
   * Never rejects, so a caller may go on without waiting for Redis; shutdown still sends every job.
   */
  enqueue(name: ProvisioningJobName, tenantId: string, generation: number): Promise<EnqueueResult> {
    const jobId = provisioningJobId(tenantId, generation);
    const payload = { version: 1 as const, tenantId, generation, trace: traceCarrier() };
    return new Promise((settle) => {
      this.pending.push({ name, payload, jobId, settle });
      if (this.pending.length > 1) return;
      const windowMs = this.config.provisioner.enqueueWindowMs;
      if (windowMs === 0) setImmediate(() => this.send());
      else this.window = setTimeout(() => this.send(), windowMs);
    });
  }

  private send(): void {
    const sent = this.flush();
    this.sending.add(sent);
    void sent.catch(() => undefined).finally(() => this.sending.delete(sent));
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const { maxAttempts, backoffMs } = this.config.provisioner;
    let queued = true;
    try {
      await this.queue.addBulk(
        batch.map(({ name, payload, jobId }) => ({
          name,
          data: payload,
          opts: {
            jobId,
            attempts: maxAttempts,
            backoff: { type: 'exponential', delay: backoffMs },
            removeOnComplete: { count: 5_000 },
            removeOnFail: { count: 5_000 },
          },
        })),
      );
    } catch (error) {
      queued = false;
      const ids = batch.map((job) => job.jobId).join(', ');
      this.logger.warn(
        `Could not enqueue ${ids} (the reconciler will retry): ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    for (const job of batch) job.settle({ jobId: job.jobId, queued });
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
    clearTimeout(this.window);
    await Promise.all([this.flush(), ...this.sending]);
    await this.queue.close();
    this.redis.disconnect();
  }
}
