/** Loads many keys at once (one query); a key missing from the answer has nothing there. */
export type LoadMany<V> = (keys: string[]) => Promise<Map<string, V>>;
type Load<V> = () => Promise<V | undefined>;

export interface FreshCacheOptions<V> {
  /** How long a loaded value is trusted, counted from when its load started: no caller gets one older. */
  ttlMs: number;
  /** A value read this close to its expiry is re-loaded in the background (default a fifth of ttlMs). */
  refreshAheadMs?: number;
  /** Past this many entries the cache starts over, so lookups of random keys cannot grow it without end. */
  maxEntries: number;
  /** Without it, each `get` and `peek` names how to load its key, and keys are loaded one by one. */
  load?: LoadMany<V>;
  /** At most this many keys per call of `load` (default 500): a larger batch is split. */
  maxBatch?: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
}

interface Batch<V> {
  keys: Set<string>;
  /** Each key's own load, where the cache has no `load` of its own. */
  loaders: Map<string, Load<V>>;
  /** Also re-load every other entry in use, so entries in use expire together. */
  sweep: boolean;
  loaded: Promise<Map<string, V>>;
}

/**
 * A replica's cache of lookups (API keys, tenant limits). Loads are batched: the keys missed or due
 * for a re-load in one turn of the event loop share one `load`, and a re-load takes along every other
 * entry read since its last load. Entries in use thus fall into step and are re-loaded together,
 * once per ttlMs - refreshAheadMs whatever their number, shortly before they expire, so steady traffic
 * never waits for a load. A key missing from a load's answer is not cached and drops what was.
 */
export class FreshCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Keys read since they were last loaded: the ones worth re-loading. */
  private readonly inUse = new Set<string>();
  private readonly loading = new Map<string, Promise<V | undefined>>();
  private next?: Batch<V>;
  private readonly refreshAheadMs: number;
  private readonly maxBatch: number;

  constructor(private readonly options: FreshCacheOptions<V>) {
    this.refreshAheadMs = options.refreshAheadMs ?? options.ttlMs / 5;
    this.maxBatch = options.maxBatch ?? 500;
  }

  /** The value while it is fresh; undefined when it would have to be loaded first. */
  peek(key: string, load?: Load<V>): V | undefined {
    const entry = this.entries.get(key);
    const now = Date.now();
    if (!entry || entry.expiresAt <= now) return undefined;
    this.inUse.add(key);
    // A failed re-load leaves the entry to expire; callers then load it themselves and see why.
    if (entry.expiresAt - now < this.refreshAheadMs) this.enqueue(key, true, load).catch(() => undefined);
    return entry.value;
  }

  /** The fresh value, loaded first (once, however many ask) when missing or expired. */
  async get(key: string, load?: Load<V>): Promise<V | undefined> {
    return this.peek(key, load) ?? this.enqueue(key, false, load);
  }

  /**
   * Drops the key (it changed, e.g. a token was revoked). A load of it in flight, read before the
   * change, is handed to whoever was already waiting but never stored; later callers load anew.
   */
  delete(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }

  private enqueue(key: string, sweep: boolean, load: Load<V> | undefined): Promise<V | undefined> {
    const pending = this.loading.get(key);
    if (pending) return pending;
    const batch = (this.next ??= this.newBatch());
    batch.keys.add(key);
    if (load) batch.loaders.set(key, load);
    batch.sweep ||= sweep && this.options.load !== undefined;
    return this.track(key, batch);
  }

  private newBatch(): Batch<V> {
    const batch = { keys: new Set<string>(), loaders: new Map(), sweep: false } as Batch<V>;
    batch.loaded = new Promise((resolve) => setImmediate(resolve)).then(() => this.load(batch));
    return batch;
  }

  private track(key: string, batch: Batch<V>): Promise<V | undefined> {
    const value = batch.loaded.then((found) => found.get(key));
    this.loading.set(key, value);
    return value;
  }

  private async load(batch: Batch<V>): Promise<Map<string, V>> {
    this.next = undefined;
    const startedAt = Date.now();
    const loadMany = this.options.load ?? oneByOne((key) => batch.loaders.get(key)!());
    if (batch.sweep) {
      for (const key of this.inUse) {
        const entry = this.entries.get(key);
        if (!entry || this.loading.has(key)) continue;
        batch.keys.add(key);
        this.track(key, batch).catch(() => undefined);
      }
    }
    const keys = [...batch.keys];
    for (const key of keys) this.inUse.delete(key);
    // This batch's own loads: a key deleted (or deleted and asked for again) meanwhile is not its to store.
    const mine = new Map(keys.map((key) => [key, this.loading.get(key)]));
    const isMine = (key: string) => mine.get(key) !== undefined && this.loading.get(key) === mine.get(key);
    try {
      const chunks: string[][] = [];
      for (let at = 0; at < keys.length; at += this.maxBatch) chunks.push(keys.slice(at, at + this.maxBatch));
      const found = new Map<string, V>();
      for (const answer of await Promise.all(chunks.map((chunk) => loadMany(chunk)))) {
        for (const [key, value] of answer) found.set(key, value);
      }
      for (const key of keys) {
        if (!isMine(key)) continue;
        const value = found.get(key);
        if (value === undefined) this.entries.delete(key);
        else {
          if (this.entries.size >= this.options.maxEntries) this.clear();
          this.entries.set(key, { value, expiresAt: startedAt + this.options.ttlMs });
        }
      }
      return found;
    } finally {
      for (const key of keys) if (isMine(key)) this.loading.delete(key);
    }
  }

  private clear(): void {
    this.entries.clear();
    this.inUse.clear();
  }
}

/** A `LoadMany` from a lookup of one key, for caches that only ever hold a few. */
export function oneByOne<V>(load: (key: string) => Promise<V | undefined>): LoadMany<V> {
  return async (keys) => {
    const found = new Map<string, V>();
    await Promise.all(
      keys.map(async (key) => {
        const value = await load(key);
        if (value !== undefined) found.set(key, value);
      }),
    );
    return found;
  };
}
