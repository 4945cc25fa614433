import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { TenantRef } from '@platform/database';
import { createRedis } from '@platform/queue';

export interface CachedRange {
  fromMs: number | null;
  toMs: number | null;
}

const MAX_CACHED_ANSWERS = 10_000;

// Writes only if no ingestion bumped the tenant's version since the answer was computed, so a
// query that read the old rows cannot cache them after the new ones were committed; and only while
// the tenant's index of cached ranges is under its cap (ingestion prunes it).
const PUT_IF_CURRENT = `
if (redis.call('GET', KEYS[1]) or '0') ~= ARGV[1] then return 0 end
if redis.call('HLEN', KEYS[3]) >= tonumber(ARGV[6]) then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'EX', ARGV[3])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[5])
redis.call('EXPIRE', KEYS[3], ARGV[3])
return 1`;

/**
 * Stats answers per tenant and query, in Redis. Ingestion drops the cached answers whose
 * [from, to) overlaps the batch's time span. Redis trouble never fails a request: the answer is
 * computed from Postgres instead, and the TTL bounds how long anything stale could survive.
 */
@Injectable()
export class StatsCache implements OnModuleDestroy {
  private readonly logger = new Logger(StatsCache.name);
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.redis = createRedis(config.redis, 'producer');
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.prefix = `${config.redis.prefix}:data:stats`;
    this.ttlSeconds = config.dataApi.statsCacheTtlSeconds;
  }

  async get(tenant: TenantRef, queryKey: string): Promise<string | null> {
    return this.quietly(() => this.redis.get(this.keys(tenant, queryKey).answer), null);
  }

  async version(tenant: TenantRef): Promise<string> {
    return this.quietly(async () => (await this.redis.get(this.keys(tenant, '').version)) ?? '0', 'unavailable');
  }

  async put(tenant: TenantRef, queryKey: string, version: string, range: CachedRange, answer: string): Promise<void> {
    const keys = this.keys(tenant, queryKey);
    const rangeText = `${range.fromMs ?? ''},${range.toMs ?? ''},${Date.now() + this.ttlSeconds * 1000}`;
    await this.quietly(
      () =>
        this.redis.eval(
          PUT_IF_CURRENT,
          3,
          keys.version,
          keys.answer,
          keys.ranges,
          version,
          answer,
          this.ttlSeconds,
          keys.hash,
          rangeText,
          MAX_CACHED_ANSWERS,
        ),
      null,
    );
  }

  /** After a batch spanning [fromMs, toMs] (inclusive) was committed. */
  async invalidate(tenant: TenantRef, fromMs: number, toMs: number): Promise<void> {
    const keys = this.keys(tenant, '');
    await this.quietly(async () => {
      await this.redis.incr(keys.version);
      const ranges = await this.redis.hgetall(keys.ranges);
      const stale = Object.entries(ranges)
        .filter(([, text]) => overlaps(text, fromMs, toMs) || expired(text))
        .map(([hash]) => hash);
      if (!stale.length) return;
      await this.redis
        .multi()
        .del(...stale.map((hash) => `${this.prefix}:${tenant.tenantId}:a:${hash}`))
        .hdel(keys.ranges, ...stale)
        .exec();
    }, null);
  }

  async onModuleDestroy(): Promise<void> {
    this.redis.disconnect();
  }

  private keys(tenant: TenantRef, queryKey: string) {
    const base = `${this.prefix}:${tenant.tenantId}`;
    const hash = createHash('sha256').update(queryKey).digest('base64url').slice(0, 22);
    return { version: `${base}:v`, ranges: `${base}:r`, answer: `${base}:a:${hash}`, hash };
  }

  private async quietly<T>(work: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn(`Stats cache skipped: ${(error as Error).message}`);
      return fallback;
    }
  }
}

/** Index entries of answers Redis already expired are dropped too, so the index stays as small as the cache. */
function expired(rangeText: string): boolean {
  return Number(rangeText.split(',')[2] ?? 0) < Date.now();
}

/** A cached answer over [from, to) is stale when a reading landed inside it. */
function overlaps(rangeText: string, fromMs: number, toMs: number): boolean {
  const [from, to] = rangeText.split(',');
  const cachedFrom = from ? Number(from) : Number.NEGATIVE_INFINITY;
  const cachedTo = to ? Number(to) : Number.POSITIVE_INFINITY;
  return cachedFrom <= toMs && fromMs < cachedTo;
}
