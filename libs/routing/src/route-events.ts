import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { createRedis } from '@platform/queue';

function channelOf(config: PlatformConfig): string {
  return `${config.redis.prefix}:routes-changed`;
}

/** Tells every edge which hostnames changed, so their caches drop them at once rather than at expiry. */
@Injectable()
export class RouteEventsPublisher implements OnModuleDestroy {
  private readonly logger = new Logger(RouteEventsPublisher.name);
  private readonly redis: Redis;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    this.redis = createRedis(config.redis, 'producer');
    this.redis.on('error', () => undefined);
  }

  async publish(hostnames: string[]): Promise<void> {
    if (hostnames.length === 0) return;
    // Best effort: a missed message only delays the change until the edge cache entry expires.
    await this.redis
      .publish(channelOf(this.config), JSON.stringify(hostnames))
      .catch((error: Error) => this.logger.warn(`Route change not published: ${error.message}`));
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

export function subscribeToRouteEvents(config: PlatformConfig, onChange: (hostnames: string[]) => void): Redis {
  const redis = createRedis(config.redis, 'subscriber');
  redis.on('error', () => undefined);
  void redis.subscribe(channelOf(config)).catch(() => undefined);
  redis.on('message', (_channel: string, message: string) => {
    try {
      const hostnames: unknown = JSON.parse(message);
      if (Array.isArray(hostnames)) onChange(hostnames.filter((host): host is string => typeof host === 'string'));
    } catch {
      // not ours; ignore
    }
  });
  return redis;
}
