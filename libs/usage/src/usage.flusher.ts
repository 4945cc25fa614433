import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { TenantUsageRepository } from './tenant-usage.repository.js';
import { type UsageIncrement, type UsageMeter, usageMeter } from './usage.meter.js';
import { UsageRepository } from './usage.repository.js';

/**
 * Writes the process's usage meter every `USAGE_FLUSH_INTERVAL_MS` in one upsert (per tenant with
 * `USAGE_STORE=tenant`), and once more when the app shuts down, after the HTTP server has stopped
 * taking requests. A failed write puts its amounts back for the next flush; a `kill -9` loses at
 * most what was counted since the last successful flush, i.e. one interval.
 */
@Injectable()
export class UsageFlusher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageFlusher.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  readonly meter: UsageMeter = usageMeter;

  constructor(
    private readonly usage: UsageRepository,
    private readonly tenantUsage: TenantUsageRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), this.config.usage.flushIntervalMs);
    this.timer.unref();
  }

  /** Waits for a flush in progress, then writes what was counted since. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
    this.running = this.write().finally(() => (this.running = undefined));
    await this.running;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
    await this.usage.close();
  }

  private async write(): Promise<void> {
    const batch = this.meter.drain();
    if (batch.length === 0) return;
    if (this.config.usage.store === 'platform') return this.writeOrKeep(batch, () => this.usage.add(batch));
    for (const increments of byTenant(batch)) {
      await this.writeOrKeep(increments, () => this.tenantUsage.add(increments[0]!, increments));
    }
  }

  private async writeOrKeep(increments: UsageIncrement[], write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.meter.restore(increments);
      const reason = (error as Error).message;
      this.logger.warn(`Usage not written yet (${increments.length} rows kept for the next flush): ${reason}`);
    }
  }
}

function byTenant(batch: UsageIncrement[]): UsageIncrement[][] {
  const groups = new Map<string, UsageIncrement[]>();
  for (const increment of batch) {
    const group = groups.get(increment.tenantId);
    if (group) group.push(increment);
    else groups.set(increment.tenantId, [increment]);
  }
  return [...groups.values()];
}
