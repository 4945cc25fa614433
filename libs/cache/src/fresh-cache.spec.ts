import { jest } from '@jest/globals';
import { FreshCache } from './fresh-cache.js';

/** A lookup that counts its calls and answers when told to, like a query in flight. */
function lookup<V>(answer: () => V | undefined) {
  const calls = { count: 0 };
  const load = async () => {
    calls.count++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return answer();
  };
  return { calls, load };
}

describe(FreshCache.name, () => {
  afterEach(() => jest.useRealTimers());

  it('shares one load among concurrent misses of a key', async () => {
    const cache = new FreshCache<string>({ ttlMs: 1_000, maxEntries: 10 });
    const { calls, load } = lookup(() => 'value');
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.get('k', load)));
    expect(values).toEqual(Array(20).fill('value'));
    expect(calls.count).toBe(1);
    expect(cache.peek('k', load)).toBe('value');
  });

  it('re-loads a value in use shortly before it expires, and never serves one older than ttlMs', async () => {
    jest.useFakeTimers({ doNotFake: ['setTimeout'] });
    const start = Date.now();
    jest.setSystemTime(start);
    const cache = new FreshCache<number>({ ttlMs: 1_000, refreshAheadMs: 200, maxEntries: 10 });
    let version = 1;
    const { calls, load } = lookup(() => version);
    await cache.get('k', load);

    version = 2;
    jest.setSystemTime(start + 500);
    expect(cache.peek('k', load)).toBe(1);
    expect(calls.count).toBe(1);

    jest.setSystemTime(start + 900);
    expect(cache.peek('k', load)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls.count).toBe(2);
    expect(cache.peek('k', load)).toBe(2);

    jest.setSystemTime(start + 900 + 1_000);
    expect(cache.peek('k', load)).toBeUndefined();
  });

  it('does not keep what a load did not find, and drops what was there', async () => {
    // A refresh-ahead window longer than the lifetime: every read re-loads.
    const cache = new FreshCache<string>({ ttlMs: 1_000, refreshAheadMs: 5_000, maxEntries: 10 });
    let found: string | undefined = 'there';
    const { calls, load } = lookup(() => found);
    expect(await cache.get('k', load)).toBe('there');
    found = undefined;
    expect(cache.peek('k', load)).toBe('there');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cache.peek('k', load)).toBeUndefined();
    expect(await cache.get('k', load)).toBeUndefined();
    expect(calls.count).toBe(3);
  });

  it('leaves an entry to expire when its re-load fails, and lets the next caller see the failure', async () => {
    jest.useFakeTimers({ doNotFake: ['setTimeout'] });
    const start = Date.now();
    jest.setSystemTime(start);
    const cache = new FreshCache<string>({ ttlMs: 1_000, refreshAheadMs: 500, maxEntries: 10 });
    let failing = false;
    const load = async () => {
      if (failing) throw new Error('Postgres is down');
      return 'value';
    };
    await cache.get('k', load);
    failing = true;
    jest.setSystemTime(start + 600);
    expect(cache.peek('k', load)).toBe('value');
    await new Promise((resolve) => setTimeout(resolve, 5));
    jest.setSystemTime(start + 1_000);
    await expect(cache.get('k', load)).rejects.toThrow('Postgres is down');
  });

  it('starts over past maxEntries', async () => {
    const cache = new FreshCache<number>({ ttlMs: 1_000, maxEntries: 3 });
    for (let i = 0; i < 4; i++) await cache.get(`k${i}`, async () => i);
    expect(cache.peek('k0', async () => 0)).toBeUndefined();
    expect(cache.peek('k3', async () => 3)).toBe(3);
  });
});
