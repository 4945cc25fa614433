import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { type RecurringSweep, startRecurringSweep } from '@platform/queue';
import { DataTablesRepository } from './data-tables.repository.js';
import { DataTenantsRepository } from './data-tenants.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IngestionsService } from './ingestions.service.js';

/**
 * Every `DATA_INGESTION_SWEEP_MS`, queues again the ingestions still waiting after that long, and
 * deletes Idempotency-Key outcomes older than `DATA_IDEMPOTENCY_TTL_S`.
 */
@Injectable()
export class IngestionSweeper implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IngestionSweeper.name);
  private loop?: RecurringSweep;

  constructor(
    private readonly tenants: DataTenantsRepository,
    private readonly ingestions: IngestionsService,
    private readonly tables: DataTablesRepository,
    private readonly keys: IdempotencyRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onModuleInit(): void {
    this.loop = startRecurringSweep(
      this.config.dataApi.ingestionSweepMs,
      () => this.sweep(),
      (error) => this.logger.warn(`Ingestion sweep skipped: ${error.message}`),
    );
  }

  onModuleDestroy(): void {
    this.loop?.stop();
  }

  async sweep(): Promise<void> {
    for (const tenant of await this.tenants.withIngestions()) {
      const requeued = await this.ingestions.requeueStale(tenant, this.config.dataApi.ingestionSweepMs);
      if (requeued) this.logger.warn(`Queued ${requeued} waiting ingestion(s) of ${tenant.tenantSlug} again`);
      const ttlSeconds = this.config.dataApi.idempotencyTtlSeconds;
      await this.tables.run(tenant, (client) => this.keys.sweep(client, ttlSeconds));
    }
  }
}
