import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { DataTenantsRepository } from './data-tenants.repository.js';
import { IngestionsService } from './ingestions.service.js';

/** Every `DATA_INGESTION_SWEEP_MS`, queues again the ingestions still waiting after that long. */
@Injectable()
export class IngestionSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IngestionSweeper.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly tenants: DataTenantsRepository,
    private readonly ingestions: IngestionsService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.dataApi.ingestionSweepMs);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const tenant of await this.tenants.withIngestions()) {
        const requeued = await this.ingestions.requeueStale(tenant, this.config.dataApi.ingestionSweepMs);
        if (requeued) this.logger.warn(`Queued ${requeued} waiting ingestion(s) of ${tenant.tenantSlug} again`);
      }
    } catch (error) {
      this.logger.warn(`Ingestion sweep skipped: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
