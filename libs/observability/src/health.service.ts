import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService } from '@platform/database';
import { createRedis } from '@platform/queue';

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: Record<string, 'ok' | string>;
}

const CHECK_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService implements OnModuleDestroy {
  private readonly redis: Redis;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.redis = createRedis(config.redis.url, 'producer');
    this.redis.on('error', () => undefined);
  }

  async readiness(): Promise<Readiness> {
    const [postgres, redis] = await Promise.all([
      probe(() => this.prisma.$queryRaw`SELECT 1`),
      probe(() => this.redis.ping()),
    ]);
    const checks = { postgres, redis };
    return { status: Object.values(checks).every((check) => check === 'ok') ? 'ok' : 'unavailable', checks };
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
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
