import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { TenantUsageRepository } from './tenant-usage.repository.js';
import { UsageRepository } from './usage.repository.js';

// A flush's transaction may commit a little after the time it stamped on its rows, so each
// collection re-reads this far back; copying a row twice is harmless (it replaces).
const REREAD_MS = 60_000;
/** A tenant's `usage_hours` keeps this many days once collected; the platform's table keeps everything. */
export const TENANT_USAGE_RETENTION_DAYS = 35;
const DAY_MS = 86_400_000;

/**
 * With `USAGE_COLLECT_INTERVAL_MS` > 0 the control plane copies, every interval, the usage rows that
 * changed in each tenant's own `usage_hours` (written there under `USAGE_STORE=tenant`) into the
 * platform's table. A tenant's row is the whole figure of its hour, so the copy replaces: a repeated
 * or interrupted collection neither loses nor doubles anything. Rows of hours older than
 * `TENANT_USAGE_RETENTION_DAYS` that an earlier collection copied are deleted from the tenant's table.
 */
@Injectable()
export class TenantUsageCollector implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TenantUsageCollector.name);
  private readonly watermarks = new Map<string, Date>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly usage: UsageRepository,
    private readonly tenantUsage: TenantUsageRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.usage.collectIntervalMs === 0) return;
    this.timer = setInterval(() => void this.collect(), this.config.usage.collectIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): Promise<unknown> | undefined {
    clearInterval(this.timer);
    return this.running;
  }

  /** Answers how many rows were copied. */
  collect(): Promise<number> {
    this.running ??= this.collectAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async collectAll(): Promise<number> {
    let copied = 0;
    for (const { id, slug } of await this.usage.liveTenants().catch(() => [])) {
      const tenant = { tenantId: id, tenantSlug: slug };
      try {
        const pruneBefore = new Date(Date.now() - TENANT_USAGE_RETENTION_DAYS * DAY_MS);
        const rows = await this.tenantUsage.changedSince(tenant, this.watermarks.get(id), pruneBefore);
        if (rows.length === 0) continue;
        await this.usage.replace(
          rows.map(({ hour, metric, value }) => ({ ...tenant, hour, metric, value: Number(value) })),
        );
        const newest = Math.max(...rows.map((row) => row.updatedAt.getTime()));
        this.watermarks.set(id, new Date(newest - REREAD_MS));
        copied += rows.length;
      } catch (error) {
        this.logger.warn(`Usage of ${slug} not collected yet: ${(error as Error).message}`);
      }
    }
    return copied;
  }
}
