import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { TenantRef } from '@platform/database';
import { DomainError } from '@platform/errors';
import { CountersRepository } from './counters.repository.js';

/** Values [next, end) this replica leased from Postgres and has not handed out yet. */
interface Lease {
  next: number;
  end: number;
  refill: Promise<void> | null;
}

/**
 * Hi/lo allocation: each replica leases blocks of values from Postgres and serves them from memory,
 * like a Postgres sequence's CACHE. Values served by one replica only ever increase, because a new
 * block always lies above every earlier one and replaces the old remainder (which becomes a gap).
 * A crash loses the unserved rest of a block: a gap, never a repeat.
 */
@Injectable()
export class CounterLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly leaseSize: number;

  constructor(
    private readonly counters: CountersRepository,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.leaseSize = config.counter.leaseSize;
  }

  /** Answers the first of `count` consecutive values, unique across replicas and restarts. */
  async take(tenant: TenantRef, name: string, count: number): Promise<number> {
    const lease = this.leaseOf(tenant, name);
    for (;;) {
      if (lease.end - lease.next >= count) {
        const first = lease.next;
        lease.next += count;
        return first;
      }
      // Concurrent callers share one lease round trip instead of each going to Postgres.
      lease.refill ??= this.refill(tenant, name, lease, count).finally(() => {
        lease.refill = null;
      });
      await lease.refill;
    }
  }

  /** A PUT that re-bases a counter makes any block this replica holds meaningless. */
  forget(tenant: TenantRef, name: string): void {
    this.leases.delete(keyOf(tenant, name));
  }

  private async refill(tenant: TenantRef, name: string, lease: Lease, count: number): Promise<void> {
    // Room for this call plus a normal block, so callers queued behind it still find values left.
    const size = count <= this.leaseSize ? this.leaseSize : count + this.leaseSize;
    const first = await this.counters.lease(tenant, name, size);
    if (first !== null) {
      Object.assign(lease, { next: first, end: first + size });
      return;
    }
    // Near 2^53 a full block no longer fits; lease only what this call needs.
    const exact = await this.leaseExactly(tenant, name, count);
    Object.assign(lease, { next: exact, end: exact + count });
  }

  private async leaseExactly(tenant: TenantRef, name: string, count: number): Promise<number> {
    const first = await this.counters.lease(tenant, name, count);
    if (first === null) throw new DomainError('InvalidTransition', `Counter ${name} has fewer than ${count} values left`);
    return first;
  }

  private leaseOf(tenant: TenantRef, name: string): Lease {
    const key = keyOf(tenant, name);
    let lease = this.leases.get(key);
    if (!lease) {
      lease = { next: 0, end: 0, refill: null };
      this.leases.set(key, lease);
    }
    return lease;
  }
}

function keyOf(tenant: TenantRef, name: string): string {
  return `${tenant.tenantId}/${name}`;
}
