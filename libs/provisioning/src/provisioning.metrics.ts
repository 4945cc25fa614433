import { Injectable, type OnModuleInit } from '@nestjs/common';
import { scrapedGauge } from '@platform/observability';
import { ProvisioningQueue } from '@platform/queue';
import { TenantsRepository } from '@platform/tenancy';

/** Queue depth, oldest waiting job and tenants by phase, read when Prometheus scrapes the provisioner. */
@Injectable()
export class ProvisioningMetrics implements OnModuleInit {
  constructor(
    private readonly queue: ProvisioningQueue,
    private readonly tenants: TenantsRepository,
  ) {}

  onModuleInit(): void {
    scrapedGauge('provisioning_queue_jobs', 'Provisioning jobs in the queue by state', ['state'], async (set) => {
      for (const [state, value] of Object.entries(await this.queue.jobCounts())) set({ state }, value);
    });
    scrapedGauge(
      'provisioning_queue_oldest_waiting_seconds',
      'Age of the oldest waiting provisioning job',
      [],
      async (set) => {
        set({}, (await this.queue.oldestWaitingAgeMs()) / 1000);
      },
    );
    scrapedGauge('tenants', 'Tenants by phase', ['phase'], async (set) => {
      for (const { phase, count } of await this.tenants.countByPhase()) set({ phase }, count);
    });
  }
}
