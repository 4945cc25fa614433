import { RouteCache } from './route-cache.js';

interface Answer {
  kind: 'routed' | 'unknown';
  host: string;
  version: number;
}

/** A load the test finishes by hand, to place a route change in the middle of it. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

function aCache(options: { maxLive?: number; maxUnknown?: number; ttlMs?: number } = {}) {
  return new RouteCache<Answer>({
    ttlMs: options.ttlMs ?? 60_000,
    maxLive: options.maxLive ?? 100,
    maxUnknown: options.maxUnknown ?? 10,
    isUnknown: (answer) => answer.kind === 'unknown',
  });
}

/** A loader that counts its loads, so a test can tell a cached answer from a re-loaded one. */
function aTable() {
  const loads = new Map<string, number>();
  return {
    loads,
    loader(host: string, kind: Answer['kind'] = 'routed') {
      return async (): Promise<Answer> => {
        const version = (loads.get(host) ?? 0) + 1;
        loads.set(host, version);
        return { kind, host, version };
      };
    },
  };
}

describe(RouteCache.name, () => {
  it('random unknown hosts, however many, never push out a live route', async () => {
    const sut = aCache({ maxUnknown: 10 });
    const table = aTable();
    await sut.get('acme.example', table.loader('acme.example'));

    for (let i = 0; i < 5_000; i++)
      await sut.get(`random-${i}.example`, table.loader(`random-${i}.example`, 'unknown'));

    expect(sut.size).toEqual({ live: 1, unknown: 10 });
    expect(await sut.get('acme.example', table.loader('acme.example'))).toMatchObject({ version: 1 });
    expect(table.loads.get('acme.example')).toBe(1);
  });

  it('evicts the least recently used live route, not every route, when full', async () => {
    const sut = aCache({ maxLive: 3 });
    const table = aTable();
    for (const host of ['a', 'b', 'c']) await sut.get(host, table.loader(host));
    await sut.get('a', table.loader('a'));

    await sut.get('d', table.loader('d'));

    expect(sut.peek('a', table.loader('a'))).toMatchObject({ version: 1 });
    expect(sut.peek('c', table.loader('c'))).toMatchObject({ version: 1 });
    expect(sut.peek('d', table.loader('d'))).toMatchObject({ version: 1 });
    expect(sut.peek('b', table.loader('b'))).toBeUndefined();
  });

  it('a route change during a load wins over the load it makes stale', async () => {
    const sut = aCache();
    const stale = deferred<Answer>();
    const waiting = sut.get('acme.example', () => stale.promise);

    sut.delete('acme.example');
    stale.resolve({ kind: 'routed', host: 'acme.example', version: 1 });
    await waiting;

    expect(
      sut.peek('acme.example', async () => ({ kind: 'routed', host: 'acme.example', version: 9 })),
    ).toBeUndefined();
    const fresh = await sut.get('acme.example', async () => ({ kind: 'routed', host: 'acme.example', version: 2 }));
    expect(fresh.version).toBe(2);
  });

  it('a load started after the change is stored even while the stale one is still running', async () => {
    const sut = aCache();
    const stale = deferred<Answer>();
    const first = sut.get('acme.example', () => stale.promise);
    sut.delete('acme.example');

    const second = await sut.get('acme.example', async () => ({ kind: 'routed', host: 'acme.example', version: 2 }));
    stale.resolve({ kind: 'routed', host: 'acme.example', version: 1 });
    await first;

    expect(second.version).toBe(2);
    expect(sut.peek('acme.example', async () => second)).toMatchObject({ version: 2 });
  });

  it('concurrent misses of one host share one load', async () => {
    const sut = aCache();
    const table = aTable();
    await Promise.all(Array.from({ length: 20 }, () => sut.get('acme.example', table.loader('acme.example'))));
    expect(table.loads.get('acme.example')).toBe(1);
  });

  it('a host that comes to life moves from the unknown pool to the live one', async () => {
    const sut = aCache();
    await sut.get('new.example', async () => ({ kind: 'unknown', host: 'new.example', version: 1 }));
    sut.delete('new.example');
    await sut.get('new.example', async () => ({ kind: 'routed', host: 'new.example', version: 2 }));
    expect(sut.size).toEqual({ live: 1, unknown: 0 });
  });

  it('never answers a value older than its time to live', async () => {
    const sut = aCache({ ttlMs: 50 });
    const table = aTable();
    await sut.get('acme.example', table.loader('acme.example'));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(sut.peek('acme.example', table.loader('acme.example'))).toBeUndefined();
  });

  it('re-loads the live hosts in use together, in one reloadMany, and a route change during it wins', async () => {
    const reloads: string[][] = [];
    const pending = deferred<void>();
    const sut = new RouteCache<Answer>({
      ttlMs: 60_000,
      // Longer than the lifetime: every read is due for a re-load.
      refreshAheadMs: 120_000,
      maxLive: 100,
      maxUnknown: 10,
      isUnknown: (answer) => answer.kind === 'unknown',
      reloadMany: async (hosts) => {
        reloads.push(hosts);
        await pending.promise;
        return new Map(hosts.map((host) => [host, { kind: 'routed', host, version: 2 }]));
      },
    });
    const table = aTable();
    const hosts = Array.from({ length: 30 }, (_, i) => `t${i}.example`);
    for (const host of hosts) await sut.get(host, table.loader(host));
    await sut.get('nowhere.example', table.loader('nowhere.example', 'unknown'));

    for (const host of [...hosts, 'nowhere.example']) sut.peek(host, table.loader(host));
    await new Promise((resolve) => setImmediate(resolve));
    // Read again while the re-load runs: nothing more is loaded.
    for (const host of hosts) sut.peek(host, table.loader(host));
    await new Promise((resolve) => setImmediate(resolve));
    sut.delete('t0.example');
    pending.resolve();
    await new Promise((resolve) => setImmediate(resolve));

    expect(reloads).toEqual([hosts]);
    // Unknown hosts (anyone can send them) are re-loaded one by one, never gathered.
    expect(table.loads.get('nowhere.example')).toBe(2);
    expect(hosts.map((host) => table.loads.get(host))).toEqual(hosts.map(() => 1));
    expect(sut.peek('t1.example', table.loader('t1.example'))).toMatchObject({ version: 2 });
    expect(sut.peek('t0.example', table.loader('t0.example'))).toBeUndefined();
  });
});
