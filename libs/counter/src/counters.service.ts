import { Injectable } from '@nestjs/common';
import type { TenantRef } from '@platform/database';
import { DomainError } from '@platform/errors';
import { meterCounterValues } from '@platform/usage';
import { CounterLeases } from './counter-leases.js';
import { counterValuesIssued } from './counter.metrics.js';
import type {
  CountQuery,
  CounterBlock,
  CounterValue,
  CounterView,
  CreateCounterInput,
  ListCountersQuery,
} from './counter.schemas.js';
import { CountersRepository } from './counters.repository.js';

@Injectable()
export class CountersService {
  constructor(
    private readonly leases: CounterLeases,
    private readonly counters: CountersRepository,
  ) {}

  async next(tenant: TenantRef, name: string, query: CountQuery): Promise<CounterValue | CounterBlock> {
    return issued(tenant, name, await this.leases.take(tenant, name, query.count ?? 1), query.count);
  }

  /** `next` answered from the values this replica holds in memory; undefined when it must ask Postgres. */
  nextHeld(tenant: TenantRef, name: string, query: CountQuery): CounterValue | CounterBlock | undefined {
    const first = this.leases.takeHeld(tenant, name, query.count ?? 1);
    return first === undefined ? undefined : issued(tenant, name, first, query.count);
  }

  async create(tenant: TenantRef, name: string, input: CreateCounterInput): Promise<CounterView> {
    const created = await this.counters.create(tenant, name, input.start ?? 1);
    if (!created) throw new DomainError('CounterExists', `Counter ${name} exists and has already issued values`);
    this.leases.forget(tenant, name);
    return created;
  }

  async get(tenant: TenantRef, name: string): Promise<CounterView> {
    const counter = await this.counters.find(tenant, name);
    if (!counter) throw new DomainError('CounterNotFound', `No counter named ${name}`);
    return counter;
  }

  async list(
    tenant: TenantRef,
    query: ListCountersQuery,
  ): Promise<{ items: CounterView[]; nextCursor: string | null }> {
    const items = await this.counters.list(tenant, query.limit, query.cursor);
    return { items, nextCursor: items.length === query.limit ? items[items.length - 1]!.name : null };
  }
}

/** `?count` absent answers one value; present, the block [first, last]. */
function issued(
  tenant: TenantRef,
  name: string,
  first: number,
  count: number | undefined,
): CounterValue | CounterBlock {
  counterValuesIssued.inc(count ?? 1);
  meterCounterValues(tenant, count ?? 1);
  return count === undefined ? { name, value: first } : { name, first, last: first + count - 1 };
}
