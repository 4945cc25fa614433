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
  /**
   * Re-loads many live entries at once (one query); an entry missing from its answer is left to
   * expire. Without it, each entry is re-loaded by itself.
   */
  reloadMany?: (keys: string[]) => Promise<Map<string, V>>;
}

/** Live entries re-loaded per call of `reloadMany`. */
const RELOAD_BATCH = 500;

type Load<V> = () => Promise<V>;

/**
 * Host header → resolution, per edge. Least-recently-used eviction in two pools: random Host headers
 * (anyone can send them) only ever push out other unknown hostnames, never a live route. Concurrent
 * misses of one hostname share one load; a value in use is re-loaded shortly before it expires. A
 * `delete` (a route changed) during a load wins: the load's result, read before the change, is
 * handed to whoever was already waiting but never stored. With `reloadMany`, a live entry due for a
 * re-load takes every other live entry read since its last load along, so live entries fall into
 * step and are re-loaded together, one query per cycle whatever their number.
 */
export class RouteCache<V extends object> {
  private readonly live: LRUCache<string, V>;
  private readonly unknown: LRUCache<string, V>;
  private readonly loading = new Map<string, Promise<V>>();
  /** Live hostnames read since they were last loaded: the ones a re-load takes along. */
  private readonly inUse = new Set<string>();
  private reloadScheduled = false;
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
    const batched = pool === this.live && this.options.reloadMany !== undefined;
    if (batched) this.inUse.add(key);
    // A failed re-load leaves the entry to expire; callers then load it themselves and see why.
    if (pool.getRemainingTTL(key) < this.refreshAheadMs) {
      if (batched) this.scheduleReload();
      else this.load(key, load).catch(() => undefined);
    }
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

  private scheduleReload(): void {
    if (this.reloadScheduled) return;
    this.reloadScheduled = true;
    setImmediate(() => {
      this.reloadScheduled = false;
      const keys = [...this.inUse].filter((key) => !this.loading.has(key) && this.live.has(key));
      this.inUse.clear();
      for (let at = 0; at < keys.length; at += RELOAD_BATCH) this.reload(keys.slice(at, at + RELOAD_BATCH));
    });
  }

  private reload(keys: string[]): void {
    const loaded = this.options.reloadMany!(keys);
    for (const key of keys) {
      const attempt: Promise<V> = loaded.then((found) => {
        const value = found.get(key);
        if (value === undefined) throw new Error(`${key} was not re-loaded`);
        if (this.loading.get(key) === attempt) this.store(key, value);
        return value;
      });
      this.loading.set(key, attempt);
      attempt
        .catch(() => undefined)
        .finally(() => {
          if (this.loading.get(key) === attempt) this.loading.delete(key);
        });
    }
  }

  private store(key: string, value: V): void {
    const unknown = this.options.isUnknown(value);
    (unknown ? this.live : this.unknown).delete(key);
    (unknown ? this.unknown : this.live).set(key, value);
  }
}
