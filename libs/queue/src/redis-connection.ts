import { Redis, type RedisOptions } from 'ioredis';

/**
 * Producers fail fast when Redis is down (the change is already in Postgres and the reconciler
 * enqueues it later); workers wait for Redis as long as it takes.
 */
export function createRedis(url: string, role: 'producer' | 'worker' | 'subscriber'): Redis {
  const options: RedisOptions =
    role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
      : { maxRetriesPerRequest: null };
  return new Redis(url, { ...options, lazyConnect: false });
}
