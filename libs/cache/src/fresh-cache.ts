export interface FreshCacheOptions {
  /** How long a loaded value is trusted: no caller ever gets a value older than this. */
  ttlMs: number;
  /** A value read this close to its expiry is re-loaded in the background (default a fifth of ttlMs). */
  refreshAheadMs?: number;
  /** Past this many entries the cache starts over, so lookups of random keys cannot grow it without end. */
  maxEntries: number;
}

type Load<V> = () => Promise<V | undefined>;

/**
 * A replica's cache of lookups (API keys, routes). Concurrent misses of one key share one load;
 * a value in use is re-loaded shortly before it expires, so steady traffic never waits for a load.
 * A load answering undefined (nothing there) is not cached and drops what was.
 */
export class FreshCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private readonly loading = new Map<string, Promise<V | undefined>>();
  private readonly refreshAheadMs: number;

  constructor(private readonly options: FreshCacheOptions) {
    this.refreshAheadMs = options.refreshAheadMs ?? options.ttlMs / 5;
  }

  /** The value while it is fresh; undefined when it would have to be loaded first. */
  peek(key: string, load: Load<V>): V | undefined {
    const entry = this.entries.get(key);
    const now = Date.now();
    if (!entry || entry.expiresAt <= now) return undefined;
    // A failed re-load leaves the entry to expire; callers then load it themselves and see why.
    if (entry.expiresAt - now < this.refreshAheadMs) this.load(key, load).catch(() => undefined);
    return entry.value;
  }

  /** The fresh value, loaded first (once, however many ask) when missing or expired. */
  async get(key: string, load: Load<V>): Promise<V | undefined> {
    return this.peek(key, load) ?? this.load(key, load);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private load(key: string, load: Load<V>): Promise<V | undefined> {
    let pending = this.loading.get(key);
    if (!pending) {
      pending = load()
        .then((value) => {
          if (value === undefined) this.entries.delete(key);
          else {
            if (this.entries.size >= this.options.maxEntries) this.entries.clear();
            this.entries.set(key, { value, expiresAt: Date.now() + this.options.ttlMs });
          }
          return value;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    return pending;
  }
}
