import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { databaseNameOf, tenantDatabaseNames } from '@platform/database';
import { USAGE_METRICS } from './usage.meter.js';
import { TenantUsageRepository } from './tenant-usage.repository.js';
import { UsageRepository } from './usage.repository.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/**
 * Stored bytes are sampled once a UTC day per tenant (its schema's tables, indexes and TOAST; a silo
 * tenant's schema is read in its own database).
 * Every `USAGE_SAMPLE_CHECK_MS` the control plane samples the live tenants that have no sample
 * for today yet, so a restart or a new tenant is caught up at the next check.
 */
@Injectable()
export class StoredBytesSampler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StoredBytesSampler.name);
  private readonly databaseName: string;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly usage: UsageRepository,
    private readonly tenantUsage: TenantUsageRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.databaseName = databaseNameOf(config.database.url);
  }

  onApplicationBootstrap(): void {
    const check = () => void this.sampleMissing();
    this.timer = setInterval(check, this.config.usage.sampleCheckMs);
    this.timer.unref();
    check();
  }

  onApplicationShutdown(): Promise<unknown> | undefined {
    clearInterval(this.timer);
    return this.running;
  }

  /** Samples every live tenant without a sample today; answers how many were sampled. */
  async sampleMissing(nowMs = Date.now()): Promise<number> {
    if (this.running) return this.running;
    this.running = this.sample(nowMs)
      .catch((error: Error) => {
        this.logger.warn(`Stored bytes not sampled: ${error.message}`);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  private async sample(nowMs: number): Promise<number> {
    const tenants = await this.usage.unsampledTenants(new Date(nowMs - (nowMs % DAY_MS)));
    const hour = new Date(nowMs - (nowMs % HOUR_MS));
    const samples = [];
    for (const tenant of tenants) {
      let bytes: number;
      try {
        bytes =
          tenant.placement === 'silo'
            ? await this.tenantUsage.schemaBytes({ tenantId: tenant.id, tenantSlug: tenant.slug })
            : await this.usage.schemaBytes(tenantDatabaseNames(tenant.slug, this.databaseName).schema);
      } catch (error) {
        // One tenant's database away (a silo server) leaves that tenant for the next round, not the others.
        if (tenant.placement !== 'silo') throw error;
        this.logger.warn(`Stored bytes of ${tenant.slug} not sampled: ${(error as Error).message}`);
        continue;
      }
      samples.push({
        tenantId: tenant.id,
        tenantSlug: tenant.slug,
        hour,
        metric: USAGE_METRICS.storedBytes,
        value: bytes,
      });
    }
    await this.usage.replace(samples);
    return samples.length;
  }
}
