import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { FreshCache } from '@platform/cache';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService, type Tier } from '@platform/database';
import { DomainError } from '@platform/errors';
import { createRedis } from '@platform/queue';
import type { TenantLimits } from '@platform/tenancy';

/** Ends an admitted call's hold on its tenant's in-flight budget; safe to call more than once. */
export type Release = () => void;

/**
 * A local grant is worth about this much of the tenant's rate, so a replica asks Redis at most
 * ~20 times a second per busy tenant, and a grant it cannot use is dropped after GRANT_TTL_MS.
 * A grant of PREFETCH_MIN_BATCH tokens or more (rates from 160/s) is topped up in the second half of
 * its life even when plenty is left: at 250 ms that cost a replica ~1,600 tenant refills a second
 * for 200 tenants at 50 calls/s each (the limiter and its Redis calls were 4% of the edge's CPU per
 * request, and Redis's own CPU per request 5× that of one tenant); at 1 s it is a quarter of that.
 * Held tokens stay bounded by one grant either way.
 */
const BATCH_WINDOW_MS = 50;
const GRANT_TTL_MS = 1_000;
const REDIS_TIMEOUT_MS = 200;
/**
 * Refills ahead of need wait this long for others, so that busy tenants' refills share one Redis
 * call: without it, 200 busy tenants cost a replica ~800 Redis calls a second against ~4 for one.
 * A grant in its second half still has 500 ms to live; one with half its tokens left has 25 ms of
 * calls at the tenant's full rate, so its top-up waits less.
 */
const PREFETCH_GATHER_MS = 25;
const RUNNING_LOW_GATHER_MS = 10;
// Small batches are taken when needed: a prefetched token of a slow tenant would mostly expire unused.
const PREFETCH_MIN_BATCH = 8;
const LIMITS_CACHE_MS = 5_000;
const OUTAGE_LOG_EVERY_MS = 30_000;

// One token bucket per tenant in Redis: refilled at `rate` per second up to `burst`, `want` taken
// at once (fewer when fewer are left). Redis's own clock, so replicas' clocks never disagree. Takes
// from several tenants' buckets in one call (KEYS[i] with ARGV rate, burst, want at 3i-2..3i) and
// returns, per key, [granted, ms until one more token, whole tokens left].
const TAKE_TOKENS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {}
for i, key in ipairs(KEYS) do
  local rate = tonumber(ARGV[i * 3 - 2])
  local burst = tonumber(ARGV[i * 3 - 1])
  local want = tonumber(ARGV[i * 3])
  local bucket = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(bucket[1]) or burst
  local at = tonumber(bucket[2]) or now
  tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
  local granted = math.min(want, math.floor(tokens))
  tokens = tokens - granted
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(burst * 1000 / rate) + 1000)
  local wait = 0
  if tokens < 1 then wait = math.ceil((1 - tokens) * 1000 / rate) end
  out[#out + 1] = granted
  out[#out + 1] = wait
  out[#out + 1] = math.floor(tokens)
end
return out
`;

interface TenantAllowance {
  limits: TenantLimits;
  batch: number;
  /** Tokens this replica took from the tenant's bucket and has not used yet, until `grantExpiresAt`. */
  tokens: number;
  grantExpiresAt: number;
  /** Redis said the bucket is empty until then: refusals need not ask again. */
  emptyUntil: number;
  inFlight: number;
  /** Calls waiting for a grant from Redis: the next grant asks for at least this many tokens. */
  waiting: number;
  refilling?: Promise<void>;
}

/**
 * Per-tenant request limits at the edge: a rate limit (token bucket in Redis shared by every
 * replica, taken in small local batches so most calls never wait for Redis) and a cap on calls in
 * flight (per replica). When Redis is unreachable each replica falls back to a bucket of its own
 * (fails open: a tenant may then get its rate from each replica) and says so in its log.
 */
@Injectable()
export class TenantCallLimiter implements OnModuleDestroy {
  private readonly logger = new Logger(TenantCallLimiter.name);
  private readonly redis: Redis;
  private readonly keyPrefix: string;
  private readonly tierLimits: PlatformConfig['tenantLimits'];
  private readonly maxInFlight: number;
  private readonly limitsCache = new FreshCache<TenantLimits>({
    ttlMs: LIMITS_CACHE_MS,
    maxEntries: 100_000,
    load: (tenantIds) => this.loadLimits(tenantIds),
  });
  private readonly allowances = new Map<string, TenantAllowance>();
  /** Tenants whose refill ahead of need waits for the next shared Redis call. */
  private readonly prefetches = new Map<string, TenantAllowance>();
  private prefetchTimer: NodeJS.Timeout | undefined;
  private prefetchDueAt = 0;
  private lastOutageLog = 0;

  constructor(
    private readonly prisma: PrismaService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    // Commands of one event-loop turn go out in one write: with many tenants busy, their refills
    // otherwise cost a socket write each (a quarter of the edge's extra CPU at 200 tenants' keys).
    this.redis = createRedis(config.redis.url, 'producer', { enableAutoPipelining: true });
    this.redis.on('error', () => undefined);
    this.redis.defineCommand('takeTenantTokens', { lua: TAKE_TOKENS });
    this.keyPrefix = `${config.redis.prefix}:rate:`;
    this.tierLimits = config.tenantLimits;
    this.maxInFlight = config.edge.tenantMaxInFlight;
  }

  /** Admits a call from what this replica holds, or undefined when `admit` must decide. */
  admitHeld(tenantId: string): Release | undefined {
    const limits = this.limitsCache.peek(tenantId);
    if (!limits) return undefined;
    const allowance = this.allowanceOf(tenantId, limits);
    if (allowance.inFlight >= this.maxInFlight || !this.takeLocal(tenantId, allowance)) return undefined;
    return this.hold(allowance);
  }

  /** Admits a call or refuses it: `RateLimited` (429) or `TooManyConcurrentRequests` (429). */
  async admit(tenantId: string): Promise<Release> {
    const limits = await this.limitsCache.get(tenantId);
    if (!limits) throw new DomainError('TenantNotFound', 'No tenant is served on this host');
    const allowance = this.allowanceOf(tenantId, limits);
    // Concurrent callers wait for one grant sized for all of them; Redis is asked again only while
    // its bucket still had tokens, so this ends once every waiter is served or the bucket is empty.
    allowance.waiting += 1;
    try {
      for (;;) {
        // Checked again after every wait: callers that arrived together must not all be admitted.
        if (allowance.inFlight >= this.maxInFlight) throw this.tooManyInFlight(limits);
        if (this.takeLocal(tenantId, allowance)) return this.hold(allowance);
        if (Date.now() < allowance.emptyUntil) break;
        await this.refill(tenantId, allowance);
      }
    } finally {
      allowance.waiting -= 1;
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((allowance.emptyUntil - Date.now()) / 1000));
    throw new DomainError('RateLimited', `Over ${limits.requestsPerSecond} requests per second`, {
      limit: limits.requestsPerSecond,
      remaining: 0,
      resetSeconds: retryAfterSeconds,
      retryAfterSeconds,
    });
  }

  private tooManyInFlight(limits: TenantLimits): DomainError {
    return new DomainError('TooManyConcurrentRequests', `At most ${this.maxInFlight} calls of a tenant in flight`, {
      limit: limits.requestsPerSecond,
      remaining: 0,
      resetSeconds: 1,
      retryAfterSeconds: 1,
      maxInFlight: this.maxInFlight,
    });
  }

  private allowanceOf(tenantId: string, limits: TenantLimits): TenantAllowance {
    const batch = Math.max(1, Math.min(limits.burst, Math.ceil((limits.requestsPerSecond * BATCH_WINDOW_MS) / 1000)));
    let allowance = this.allowances.get(tenantId);
    if (!allowance) {
      allowance = { limits, batch, tokens: 0, grantExpiresAt: 0, emptyUntil: 0, inFlight: 0, waiting: 0 };
      this.allowances.set(tenantId, allowance);
    } else if (!sameLimits(allowance.limits, limits)) {
      // New limits apply from the next grant; calls in flight keep their hold on this allowance.
      Object.assign(allowance, { limits, batch, tokens: 0, grantExpiresAt: 0, emptyUntil: 0 });
    }
    return allowance;
  }

  /** Takes one locally held token; refills ahead in the background when a large batch runs low. */
  private takeLocal(tenantId: string, allowance: TenantAllowance): boolean {
    const now = Date.now();
    if (allowance.tokens <= 0 || now >= allowance.grantExpiresAt) return false;
    allowance.tokens -= 1;
    // Topped up while the grant is still good (its second half, or half of it used), so a busy tenant's
    // calls keep being admitted from memory instead of finding the grant expired and waiting for Redis.
    const runningLow = allowance.tokens < allowance.batch / 2;
    const ageing = allowance.grantExpiresAt - now < GRANT_TTL_MS / 2;
    if (allowance.batch >= PREFETCH_MIN_BATCH && (runningLow || ageing) && !allowance.refilling) {
      this.prefetch(tenantId, allowance, runningLow ? RUNNING_LOW_GATHER_MS : PREFETCH_GATHER_MS);
    }
    return true;
  }

  /** Queues a refill ahead of need, sent within `withinMs` together with every other one queued. */
  private prefetch(tenantId: string, allowance: TenantAllowance, withinMs: number): void {
    this.prefetches.set(tenantId, allowance);
    const dueAt = Date.now() + withinMs;
    if (this.prefetchTimer && this.prefetchDueAt <= dueAt) return;
    clearTimeout(this.prefetchTimer);
    this.prefetchDueAt = dueAt;
    this.prefetchTimer = setTimeout(() => this.sendPrefetches(), withinMs);
  }

  private sendPrefetches(): void {
    this.prefetchTimer = undefined;
    // A tenant whose caller meanwhile had to wait for a refill of its own is not asked twice.
    const due = [...this.prefetches].filter(([, queued]) => !queued.refilling);
    this.prefetches.clear();
    if (due.length === 0) return;
    const taken = this.takeTokens(due).catch((error: unknown) => this.logOutage(error));
    for (const [, queued] of due) {
      queued.refilling = taken.finally(() => {
        queued.refilling = undefined;
      });
    }
  }

  private hold(allowance: TenantAllowance): Release {
    allowance.inFlight += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      allowance.inFlight -= 1;
    };
  }

  /** One Redis call at a time per tenant; concurrent callers wait for the same grant. */
  private refill(tenantId: string, allowance: TenantAllowance): Promise<void> {
    allowance.refilling ??= this.takeTokens([[tenantId, allowance]]).finally(() => {
      allowance.refilling = undefined;
    });
    return allowance.refilling;
  }

  /** Takes each tenant's next grant from its bucket, all in one Redis call. */
  private async takeTokens(tenants: [string, TenantAllowance][]): Promise<void> {
    // A top-up takes what the grant lacks (tokens taken but never used are lost to the tenant);
    // callers waiting take at least one each.
    const started = Date.now();
    const wants = tenants.map(([, allowance]) => {
      const held = started < allowance.grantExpiresAt ? allowance.tokens : 0;
      return Math.min(allowance.limits.burst, Math.max(allowance.batch - held, allowance.waiting, 1));
    });
    let answers: number[][];
    try {
      const flat = await withTimeout(
        (this.redis as RedisWithTakeTokens).takeTenantTokens(
          tenants.length,
          ...tenants.map(([tenantId]) => `${this.keyPrefix}${tenantId}`),
          ...tenants.flatMap(([, { limits }], index) => [limits.requestsPerSecond, limits.burst, wants[index]!]),
        ),
      );
      answers = tenants.map((_, index) => flat.slice(index * 3, index * 3 + 2));
    } catch (error) {
      answers = tenants.map(([tenantId, { limits }], index) =>
        this.takeFromLocalBucket(tenantId, limits, wants[index]!),
      );
      this.logOutage(error);
    }
    const now = Date.now();
    tenants.forEach(([, allowance], index) => {
      const [granted, waitMs] = answers[index]!;
      allowance.tokens = (now < allowance.grantExpiresAt ? allowance.tokens : 0) + granted!;
      allowance.grantExpiresAt = now + GRANT_TTL_MS;
      allowance.emptyUntil = granted! < wants[index]! ? now + waitMs! : 0;
    });
  }

  private readonly localBuckets = new Map<string, { tokens: number; at: number }>();

  /** The same bucket, kept by this replica alone while Redis is away. */
  private takeFromLocalBucket(tenantId: string, limits: TenantLimits, want: number): [number, number] {
    const now = Date.now();
    const bucket = this.localBuckets.get(tenantId) ?? { tokens: limits.burst, at: now };
    bucket.tokens = Math.min(limits.burst, bucket.tokens + ((now - bucket.at) * limits.requestsPerSecond) / 1000);
    bucket.at = now;
    const granted = Math.min(want, Math.floor(bucket.tokens));
    bucket.tokens -= granted;
    this.localBuckets.set(tenantId, bucket);
    const wait = bucket.tokens < 1 ? Math.ceil(((1 - bucket.tokens) * 1000) / limits.requestsPerSecond) : 0;
    return [granted, wait];
  }

  private logOutage(error: unknown): void {
    const now = Date.now();
    if (now - this.lastOutageLog < OUTAGE_LOG_EVERY_MS) return;
    this.lastOutageLog = now;
    this.logger.warn(
      `Redis unreachable for rate limits (${(error as Error)?.message ?? String(error)}); each replica limits tenants on its own until it is back`,
    );
  }

  /** The limits of the tenants found, by id: their own, else their tier's. */
  private async loadLimits(tenantIds: string[]): Promise<Map<string, TenantLimits>> {
    const tenants = await this.prisma.tenant.findMany({
      where: { id: { in: tenantIds } },
      select: { id: true, tier: true, limits: true },
    });
    return new Map(
      tenants.map((tenant) => [
        tenant.id,
        (tenant.limits as TenantLimits | null) ?? this.tierLimits[tenant.tier as Tier],
      ]),
    );
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.prefetchTimer);
    this.redis.disconnect();
  }
}

type RedisWithTakeTokens = Redis & {
  /** The number of keys, the keys, then rate, burst and want for each: answers three numbers per key. */
  takeTenantTokens(keyCount: number, ...keysThenArgs: (string | number)[]): Promise<number[]>;
};

function sameLimits(a: TenantLimits, b: TenantLimits): boolean {
  return a.requestsPerSecond === b.requestsPerSecond && a.burst === b.burst;
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
