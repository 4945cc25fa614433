import { jest } from '@jest/globals';
import { FreshCache, type FreshCacheOptions } from './fresh-cache.js';

/** A batched lookup that records each call's keys and answers from `answer`, like a query. */
function lookup<V>(answer: (key: string) => V | undefined) {
  const calls: string[][] = [];
  const load = async (keys: string[]) => {
    calls.push([...keys].sort());
    await Promise.resolve();
    const found = new Map<string, V>();
    for (const key of keys) {
      const value = answer(key);
      if (value !== undefined) found.set(key, value);
    }
    return found;
  };
  return { calls, load };
}

function cacheOf<V>(options: Omit<FreshCacheOptions<V>, 'load'>, answer: (key: string) => V | undefined) {
  const { calls, load } = lookup(answer);
  return { cache: new FreshCache<V>({ ...options, load }), calls };
}

/** Lets a batch scheduled this turn run and answer. */
async function settled(): Promise<void> {
  for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe(FreshCache.name, () => {
  let now = 0;
  beforeEach(() => {
    // Only the clock is faked: batches run on real setImmediate, and nothing waits for wall-clock time.
    jest.useFakeTimers({ doNotFake: ['setTimeout', 'setImmediate', 'nextTick', 'queueMicrotask'] });
    now = Date.now();
    jest.setSystemTime(now);
  });
  afterEach(() => jest.useRealTimers());
  const at = (ms: number) => jest.setSystemTime(now + ms);

  it('loads the misses of one turn in one call, once per key however many ask', async () => {
    const { cache, calls } = cacheOf<string>({ ttlMs: 1_000, maxEntries: 10 }, (key) => `v-${key}`);
    const keys = ['a', 'b', 'c', 'a', 'b', 'c', 'a'];
    const values = await Promise.all(keys.map((key) => cache.get(key)));
    expect(values).toEqual(keys.map((key) => `v-${key}`));
    expect(calls).toEqual([['a', 'b', 'c']]);
    expect(cache.peek('b')).toBe('v-b');
  });

  it('re-loads a value in use shortly before it expires, and never serves one older than ttlMs', async () => {
    let version = 1;
    const { cache, calls } = cacheOf<number>({ ttlMs: 1_000, refreshAheadMs: 200, maxEntries: 10 }, () => version);
    await cache.get('k');

    version = 2;
    at(500);
    expect(cache.peek('k')).toBe(1);
    await settled();
    expect(calls).toHaveLength(1);

    at(900);
    expect(cache.peek('k')).toBe(1);
    await settled();
    expect(calls).toHaveLength(2);
    expect(cache.peek('k')).toBe(2);

    // Counted from when the re-load started.
    at(900 + 1_000);
    expect(cache.peek('k')).toBeUndefined();
  });

  it('re-loads the keys in use together: one load per cycle however many keys, none ever missed', async () => {
    const { cache, calls } = cacheOf<string>({ ttlMs: 1_000, refreshAheadMs: 200, maxEntries: 1_000 }, (key) => key);
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
    // Keys first asked for at different times, as tenants come and go: each its own load.
    for (const [i, key] of keys.entries()) {
      at(i * 2);
      await cache.get(key);
    }
    expect(calls).toHaveLength(200);

    // Then every key read every 10 ms for 10 lifetimes.
    const missed: string[] = [];
    for (let t = 400; t <= 10_400; t += 10) {
      at(t);
      for (const key of keys) if (cache.peek(key) === undefined) missed.push(`${key} at ${t}`);
      await settled();
    }
    expect(missed).toEqual([]);
    const reloads = calls.slice(200);
    // A cycle is ttlMs - refreshAheadMs = 800 ms: 10,000 ms hold 12.5 of them, the first re-load
    // takes every key read since it was loaded, and from then on they are all due together.
    expect(reloads.length).toBeLessThanOrEqual(13);
    expect(reloads.every((batch) => batch.length === keys.length)).toBe(true);
  });

  it('does not re-load keys nobody read since their last load', async () => {
    const { cache, calls } = cacheOf<string>({ ttlMs: 1_000, refreshAheadMs: 200, maxEntries: 10 }, (key) => key);
    await Promise.all([cache.get('busy'), cache.get('idle')]);
    at(900);
    expect(cache.peek('busy')).toBe('busy');
    await settled();
    expect(calls).toEqual([['busy', 'idle'], ['busy']]);
    at(1_000);
    expect(cache.peek('idle')).toBeUndefined();
  });

  it('splits a batch larger than maxBatch', async () => {
    const { cache, calls } = cacheOf<string>({ ttlMs: 1_000, maxEntries: 100, maxBatch: 4 }, (key) => key);
    const keys = Array.from({ length: 10 }, (_, i) => `k${i}`);
    expect(await Promise.all(keys.map((key) => cache.get(key)))).toEqual(keys);
    expect(calls.map((batch) => batch.length)).toEqual([4, 4, 2]);
  });

  it('does not keep what a load did not find, and drops what was there', async () => {
    // A refresh-ahead window longer than the lifetime: every read re-loads.
    let found: string | undefined = 'there';
    const { cache, calls } = cacheOf<string>({ ttlMs: 1_000, refreshAheadMs: 5_000, maxEntries: 10 }, () => found);
    expect(await cache.get('k')).toBe('there');
    found = undefined;
    expect(cache.peek('k')).toBe('there');
    await settled();
    expect(cache.peek('k')).toBeUndefined();
    expect(await cache.get('k')).toBeUndefined();
    expect(calls).toHaveLength(3);
  });

  it('leaves an entry to expire when its re-load fails, and lets the next caller see the failure', async () => {
    let failing = false;
    const cache = new FreshCache<string>({
      ttlMs: 1_000,
      refreshAheadMs: 500,
      maxEntries: 10,
      load: async (keys) => {
        if (failing) throw new Error('Postgres is down');
        return new Map(keys.map((key) => [key, 'value']));
      },
    });
    await cache.get('k');
    failing = true;
    at(600);
    expect(cache.peek('k')).toBe('value');
    await settled();
    at(1_000);
    await expect(cache.get('k')).rejects.toThrow('Postgres is down');
  });

  it('lets a delete during a load win: what the load read before is not kept, and later callers load anew', async () => {
    let version = 1;
    let answerFirst!: () => void;
    const firstAnswered = new Promise<void>((resolve) => (answerFirst = resolve));
    const cache = new FreshCache<number>({
      ttlMs: 1_000,
      maxEntries: 10,
      load: async (keys) => {
        const read = version;
        if (read === 1) await firstAnswered;
        return new Map(keys.map((key) => [key, read]));
      },
    });
    const before = cache.get('k');
    await settled();
    // The value changes (a token revoked) while the first load is in flight.
    version = 2;
    cache.delete('k');
    const after = cache.get('k');
    await settled();
    answerFirst();
    expect(await before).toBe(1);
    expect(await after).toBe(2);
    expect(cache.peek('k')).toBe(2);
  });

  it('starts over past maxEntries', async () => {
    const { cache } = cacheOf<string>({ ttlMs: 1_000, maxEntries: 3 }, (key) => key);
    for (let i = 0; i < 4; i++) await cache.get(`k${i}`);
    expect(cache.peek('k0')).toBeUndefined();
    expect(cache.peek('k3')).toBe('k3');
  });

  it('without a load of its own, loads each key with the load its caller names', async () => {
    const loads: string[] = [];
    const loader = (key: string) => async () => {
      loads.push(key);
      return `v-${key}`;
    };
    const cache = new FreshCache<string>({ ttlMs: 1_000, refreshAheadMs: 200, maxEntries: 10 });
    expect(await Promise.all([cache.get('a', loader('a')), cache.get('b', loader('b'))])).toEqual(['v-a', 'v-b']);
    at(900);
    expect(cache.peek('a', loader('a'))).toBe('v-a');
    expect(cache.peek('b', loader('b'))).toBe('v-b');
    await settled();
    expect(loads.sort()).toEqual(['a', 'a', 'b', 'b']);
  });
});
