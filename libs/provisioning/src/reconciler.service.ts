import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { ProvisioningQueue, type RecurringSweep, startRecurringSweep } from '@platform/queue';
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
  private loop?: RecurringSweep;

  constructor(
    private readonly tenants: TenantsRepository,
    private readonly queue: ProvisioningQueue,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = startRecurringSweep(
      this.config.provisioner.reconcileIntervalMs,
      () => this.tick(),
      (error) => this.logger.warn(`Reconcile pass failed: ${error.message}`),
      { runNow: true },
    );
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
    const queued = await this.reconcileOnce();
    if (queued) this.logger.log(`Reconciler checked ${queued} lagging tenant(s)`);
  }

  onModuleDestroy(): void {
    this.loop?.stop();
  }
}
