import type { TenantRef } from '@platform/database';
import { CounterLeases } from './counter-leases.js';
import type { CountersRepository } from './counters.repository.js';

const LIMIT = Number.MAX_SAFE_INTEGER + 1;

/**
 * The store's contract, as Postgres keeps it with one atomic UPDATE: each lease gets the next
 * `size` values, and none past 2^53. Answers after a random delay so leases interleave.
 */
class InMemoryCounterStore implements Pick<CountersRepository, 'lease'> {
  readonly next = new Map<string, number>();

  constructor(private readonly start = 1) {}

  async lease(_tenant: TenantRef, name: string, size: number): Promise<number | null> {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    const first = this.next.get(name) ?? this.start;
    if (first > LIMIT - size) return null;
    this.next.set(name, first + size);
    return first;
  }
}

const tenant: TenantRef = { tenantId: '00000000-0000-4000-8000-000000000001', tenantSlug: 'acme' };
const config = (leaseSize: number) => ({ counter: { port: 0, leaseSize } });

/** One client connection: calls one after another, so what it sees must increase. */
async function connection(sut: CounterLeases, calls: number, countOf: () => number): Promise<[number, number][]> {
  const ranges: [number, number][] = [];
  for (let i = 0; i < calls; i++) {
    const count = countOf();
    const first = await sut.take(tenant, 'orders', count);
    ranges.push([first, first + count - 1]);
  }
  return ranges;
}

describe(CounterLeases.name, () => {
  it('never hands a value out twice across replicas, and each connection sees values increase', async () => {
    const store = new InMemoryCounterStore();
    const replicas = [new CounterLeases(store, config(10)), new CounterLeases(store, config(10))];
    const countOf = () => (Math.random() < 0.1 ? 1 + Math.floor(Math.random() * 40) : 1);
    const perConnection = await Promise.all(
      Array.from({ length: 40 }, (_, index) => connection(replicas[index % 2]!, 50, countOf)),
    );

    const seen = new Set<number>();
    for (const ranges of perConnection) {
      ranges.forEach(([first, last], index) => {
        if (index > 0) expect(first).toBeGreaterThan(ranges[index - 1]![1]);
        for (let value = first; value <= last; value++) {
          expect(seen.has(value)).toBe(false);
          seen.add(value);
        }
      });
    }
    expect(Math.max(...seen)).toBeLessThan(store.next.get('orders')!);
  });

  it('leases a block big enough for a count larger than the rest of the current one', async () => {
    const sut = new CounterLeases(new InMemoryCounterStore(), config(100));
    expect(await sut.take(tenant, 'orders', 1)).toBe(1);
    const first = await sut.take(tenant, 'orders', 5_000);
    expect(first).toBeGreaterThan(1);
    expect(await sut.take(tenant, 'orders', 1)).toBe(first + 5_000);
  });

  it('serves the last values below 2^53 exactly, then refuses', async () => {
    const sut = new CounterLeases(new InMemoryCounterStore(Number.MAX_SAFE_INTEGER - 2), config(1_000));
    expect(await sut.take(tenant, 'orders', 2)).toBe(Number.MAX_SAFE_INTEGER - 2);
    expect(await sut.take(tenant, 'orders', 1)).toBe(Number.MAX_SAFE_INTEGER);
    await expect(sut.take(tenant, 'orders', 1)).rejects.toMatchObject({ code: 'InvalidTransition' });
  });

  it('serves from held blocks only: nothing before a lease, then the same sequence as take', async () => {
    const store = new InMemoryCounterStore();
    const sut = new CounterLeases(store, config(10));
    expect(sut.takeHeld(tenant, 'orders', 1)).toBeUndefined();
    expect(await sut.take(tenant, 'orders', 1)).toBe(1);
    const seen = [1];
    for (let i = 0; i < 100; i++) {
      const held = sut.takeHeld(tenant, 'orders', 1);
      seen.push(held ?? (await sut.take(tenant, 'orders', 1)));
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(sut.takeHeld(tenant, 'orders', 11)).toBeUndefined();
    expect(Math.max(...seen)).toBeLessThan(store.next.get('orders')!);
  });
});
