import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { type AppName, PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService } from '@platform/database';
import { createRedis } from '@platform/queue';
import { isDraining } from './drain.js';

export type Dependency = 'postgres' | 'redis';

export interface Readiness {
  /** `ok` (HTTP 200) while the app can serve, even degraded; `unavailable` (503) otherwise. */
  status: 'ok' | 'unavailable';
  checks: Record<string, 'ok' | string>;
  /** Dependencies that are down but only degrade the app (caches, queue producers). */
  degraded?: Dependency[];
}

/**
 * What each app cannot serve without (`required`), and what it uses but serves without
 * (`degrading`). On GKE readiness is also the load balancer's health check, so a Redis blip must
 * not take a tenant's counter, data API or edge out of rotation.
 */
export const READINESS_DEPENDENCIES: Record<AppName, { required: Dependency[]; degrading: Dependency[] }> = {
  // Changes are committed to Postgres first; the reconciler queues what Redis missed.
  'control-plane': { required: ['postgres'], degrading: ['redis'] },
  // Its whole job is the BullMQ worker: without Redis it does nothing.
  provisioner: { required: ['postgres', 'redis'], degrading: [] },
  // Routes and keys come from Postgres; Redis only carries route-change notices (routes expire anyway).
  edge: { required: ['postgres'], degrading: ['redis'] },
  // Leases live in Postgres; the counter does not use Redis at all.
  counter: { required: ['postgres'], degrading: [] },
  // Stats cache and the async ingestion queue; synchronous ingestion and queries need only Postgres.
  'data-api': { required: ['postgres'], degrading: ['redis'] },
};

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService implements OnModuleDestroy {
  private readonly redis?: Redis;
  private readonly required: Dependency[];
  private readonly degrading: Dependency[];

  constructor(
    private readonly prisma: PrismaService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    ({ required: this.required, degrading: this.degrading } = READINESS_DEPENDENCIES[config.app.name]);
    if ([...this.required, ...this.degrading].includes('redis')) {
      this.redis = createRedis(config.redis, 'producer');
      this.redis.on('error', () => undefined);
    }
  }

  async readiness(): Promise<Readiness> {
    const probes: Record<Dependency, () => Promise<unknown>> = {
      postgres: () => this.prisma.$queryRaw`SELECT 1`,
      redis: () => this.redis!.ping(),
    };
    const dependencies = [...this.required, ...this.degrading];
    const results = await Promise.all(dependencies.map((dependency) => probe(probes[dependency])));
    const checks: Record<string, string> = Object.fromEntries(dependencies.map((name, i) => [name, results[i]!]));
    const degraded = this.degrading.filter((name) => checks[name] !== 'ok');
    const serving = this.required.every((name) => checks[name] === 'ok');
    if (isDraining()) checks.shutdown = 'draining';
    return {
      status: serving && !isDraining() ? 'ok' : 'unavailable',
      checks,
      ...(degraded.length ? { degraded } : {}),
    };
  }

  onModuleDestroy(): void {
    this.redis?.disconnect();
  }
}

async function probe(check: () => Promise<unknown>): Promise<'ok' | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch (error) {
    return (error as Error).message.split('\n')[0] ?? 'failed';
  } finally {
    clearTimeout(timer);
  }
}
