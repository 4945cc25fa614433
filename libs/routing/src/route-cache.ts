import { LRUCache } from 'lru-cache';

export interface RouteCacheOptions<V> {
  /** How long a loaded value is trusted: no caller ever gets a value older than this. */
  ttlMs: number;
  /** Entries kept for hostnames that lead somewhere; the least recently used goes first. */
  maxLive: number;
  /** Entries kept for hostnames that lead nowhere, apart from the live ones. */
  maxUnknown: number;
  /** Which values belong in the bounded pool of hostnames that lead nowhere. */
  isUnknown: (value: V) => boolean;
  /** A value read this close to its expiry is re-loaded in the background (default a fifth of ttlMs). */
  refreshAheadMs?: number;
}

type Load<V> = () => Promise<V>;

/**
 * Host header → resolution, per edge. Least-recently-used eviction in two pools: random Host headers
 * (anyone can send them) only ever push out other unknown hostnames, never a live route. Concurrent
 * misses of one hostname share one load; a value in use is re-loaded shortly before it expires. A
 * `delete` (a route changed) during a load wins: the load's result, read before the change, is
 * handed to whoever was already waiting but never stored.
 */
export class RouteCache<V extends object> {
  private readonly live: LRUCache<string, V>;
  private readonly unknown: LRUCache<string, V>;
  private readonly loading = new Map<string, Promise<V>>();
  private readonly refreshAheadMs: number;

  constructor(private readonly options: RouteCacheOptions<V>) {
    this.live = new LRUCache({ max: options.maxLive, ttl: options.ttlMs });
    this.unknown = new LRUCache({ max: options.maxUnknown, ttl: options.ttlMs });
    this.refreshAheadMs = options.refreshAheadMs ?? options.ttlMs / 5;
  }

  /** The value while it is fresh; undefined when it would have to be loaded first. */
  peek(key: string, load: Load<V>): V | undefined {
    const pool = this.live.has(key) ? this.live : this.unknown;
    const value = pool.get(key);
    if (value === undefined) return undefined;
    // A failed re-load leaves the entry to expire; callers then load it themselves and see why.
    if (pool.getRemainingTTL(key) < this.refreshAheadMs) this.load(key, load).catch(() => undefined);
    return value;
  }

  /** The fresh value, loaded first (once, however many ask) when missing or expired. */
  async get(key: string, load: Load<V>): Promise<V> {
    return this.peek(key, load) ?? this.load(key, load);
  }

  delete(key: string): void {
    this.live.delete(key);
    this.unknown.delete(key);
    this.loading.delete(key);
  }

  get size(): { live: number; unknown: number } {
    return { live: this.live.size, unknown: this.unknown.size };
  }

  private load(key: string, load: Load<V>): Promise<V> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const attempt: Promise<V> = load()
      .then((value) => {
        if (this.loading.get(key) === attempt) this.store(key, value);
        return value;
      })
      .finally(() => {
        if (this.loading.get(key) === attempt) this.loading.delete(key);
      });
    this.loading.set(key, attempt);
    return attempt;
  }

  private store(key: string, value: V): void {
    const unknown = this.options.isUnknown(value);
    (unknown ? this.live : this.unknown).delete(key);
    (unknown ? this.unknown : this.live).set(key, value);
  }
}
