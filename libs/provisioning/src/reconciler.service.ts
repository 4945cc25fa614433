import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { ProvisioningQueue } from '@platform/queue';
import { TenantsRepository } from '@platform/tenancy';

const BATCH = 500;

/**
 * Postgres is the source of truth and the queue only carries work: every tenant whose observed
 * generation lags its generation is enqueued again. Job ids are per (tenant, generation), so a
 * job still in Redis is not duplicated; one lost with Redis is recreated.
 */
@Injectable()
export class ReconcilerService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(ReconcilerService.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly tenants: TenantsRepository,
    private readonly queue: ProvisioningQueue,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.provisioner.reconcileIntervalMs);
  }

  async reconcileOnce(): Promise<number> {
    const lagging = await this.tenants.lagging(BATCH);
    let queued = 0;
    for (const tenant of lagging) {
      const name = tenant.desiredState === 'deleted' ? 'deprovision' : 'provision';
      if ((await this.queue.enqueue(name, tenant.id, tenant.generation)).queued) queued += 1;
    }
    return queued;
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const queued = await this.reconcileOnce();
      if (queued) this.logger.log(`Reconciler checked ${queued} lagging tenant(s)`);
    } catch (error) {
      this.logger.warn(`Reconcile pass failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }
}
