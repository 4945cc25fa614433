import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError, Worker } from 'bullmq';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import {
  changeToConverged,
  contextFromCarrier,
  provisioningJobDuration,
  provisioningJobs,
  runWithLogContext,
  traced,
} from '@platform/observability';
import {
  PROVISIONING_QUEUE,
  type ProvisioningJobName,
  type ProvisioningJobPayload,
  createRedis,
  provisioningJobPayloadSchema,
} from '@platform/queue';
import { TenantBusyError, classifyFailure } from './provisioning.errors.js';
import { ProvisionTenantService } from './provision-tenant.service.js';

const BUSY_RETRY_MS = 500;

@Injectable()
export class ProvisioningWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ProvisioningWorker.name);
  private worker?: Worker<ProvisioningJobPayload, string, ProvisioningJobName>;

  constructor(
    private readonly provision: ProvisionTenantService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    const { concurrency, lockMs } = this.config.provisioner;
    this.worker = new Worker(PROVISIONING_QUEUE, (job, token) => this.traced(job, token), {
      connection: createRedis(this.config.redis, 'worker'),
      prefix: this.config.redis.prefix,
      concurrency,
      lockDuration: lockMs,
      stalledInterval: Math.max(1_000, Math.floor(lockMs / 2)),
    });
    this.worker.on('error', (error) => this.logger.warn(`Worker connection: ${error.message}`));
    this.worker.on('failed', (job, error) => {
      if (job && !(error instanceof DelayedError)) this.logger.warn(`Job ${job.id} failed: ${error.message}`);
    });
  }

  /** The job continues the trace of the change that queued it; its log lines name the tenant and job. */
  private traced(job: Job<ProvisioningJobPayload>, token?: string): Promise<string> {
    const attributes = {
      'job.id': job.id ?? '',
      'job.attempt': job.attemptsMade + 1,
      'tenant.id': String(job.data?.tenantId),
    };
    return runWithLogContext({ tenantId: String(job.data?.tenantId), jobId: job.id }, () =>
      traced(`${job.name} tenant`, () => this.process(job, token), attributes, contextFromCarrier(job.data?.trace)),
    );
  }

  private async process(job: Job<ProvisioningJobPayload>, token?: string): Promise<string> {
    const parsed = provisioningJobPayloadSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`Malformed job payload: ${parsed.error.message}`);
    const payload = parsed.data;
    const jobId = job.id ?? 'unknown';
    const timer = provisioningJobDuration.startTimer({ kind: job.name });
    const count = (outcome: string) => {
      provisioningJobs.inc({ kind: job.name, outcome });
      timer({ outcome });
    };
    try {
      const outcome = await this.provision.run(payload, jobId, job.attemptsMade + 1);
      count(outcome);
      this.logger.log(`Job ${jobId} (${job.name}, generation ${payload.generation}) ${outcome}`);
      if (outcome === 'converged') changeToConverged.observe({ kind: job.name }, (Date.now() - job.timestamp) / 1000);
      return outcome;
    } catch (error) {
      if (error instanceof TenantBusyError) {
        await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
        throw new DelayedError();
      }
      const failure = classifyFailure(error);
      const final = failure.terminal || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      count(final ? 'failed' : 'retrying');
      await this.provision.recordFailure(payload, jobId, failure, final);
      if (failure.terminal) throw new UnrecoverableError(failure.message);
      throw error;
    }
  }

  /** Lets the jobs in hand finish (or go back to the queue) before the process exits. */
  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}
