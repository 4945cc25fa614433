import { Inject, Injectable, Logger } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { TenantRef } from '@platform/database';
import { DomainError } from '@platform/errors';
import { CountersRepository } from './counters.repository.js';
import { counterLeases } from './counter.metrics.js';

interface Block {
  first: number;
  end: number;
}

/**
 * Values [next, end) this replica leased from Postgres and has not handed out yet, plus the block
 * leased ahead of time (always above the current one) so callers rarely wait for Postgres.
 */
interface Lease {
  next: number;
  end: number;
  spare: Block | null;
  pending: Promise<void> | null;
}

// Lease the next block once this share of the current one is left.
const PREFETCH_AT = 0.25;

/**
 * Hi/lo allocation: each replica leases blocks of values from Postgres and serves them from memory,
 * like a Postgres sequence's CACHE. Values served by one replica only ever increase: every block is
 * leased after, so lies above, every earlier one, and moving to a new block drops the old remainder
 * (a gap). A crash loses the unserved rest of its blocks: a gap, never a repeat.
 */
@Injectable()
export class CounterLeases {
  private readonly logger = new Logger(CounterLeases.name);
  private readonly leases = new Map<string, Lease>();
  private readonly leaseSize: number;

  constructor(
    @Inject(CountersRepository) private readonly counters: Pick<CountersRepository, 'lease'>,
    @Inject(PLATFORM_CONFIG) config: Pick<PlatformConfig, 'counter'>,
  ) {
    this.leaseSize = config.counter.leaseSize;
  }

  /** Answers the first of `count` consecutive values, unique across replicas and restarts. */
  async take(tenant: TenantRef, name: string, count: number): Promise<number> {
    for (;;) {
      const first = this.takeHeld(tenant, name, count);
      if (first !== undefined) return first;
      // Concurrent callers share one round trip to Postgres instead of each leasing their own block.
      await this.leaseBlock(tenant, name, this.leaseOf(tenant, name), count);
    }
  }

  /** The same, from the blocks this replica already holds; undefined when Postgres must be asked first. */
  takeHeld(tenant: TenantRef, name: string, count: number): number | undefined {
    const lease = this.leaseOf(tenant, name);
    if (lease.end - lease.next < count && lease.spare && lease.spare.end - lease.spare.first >= count) {
      Object.assign(lease, { next: lease.spare.first, end: lease.spare.end, spare: null });
    }
    if (lease.end - lease.next < count) return undefined;
    const first = lease.next;
    lease.next += count;
    if (lease.end - lease.next < this.leaseSize * PREFETCH_AT) this.prefetch(tenant, name, lease);
    return first;
  }

  /** A PUT that re-bases a counter makes any block this replica holds meaningless. */
  forget(tenant: TenantRef, name: string): void {
    this.leases.delete(keyOf(tenant, name));
  }

  private prefetch(tenant: TenantRef, name: string, lease: Lease): void {
    if (lease.spare || lease.pending) return;
    this.leaseBlock(tenant, name, lease, 1).catch((error: Error) =>
      this.logger.warn(`Prefetching a block of ${name} failed: ${error.message}`),
    );
  }

  /**
   * The only place a leased block is stored, exactly once: a block handed to several waiters and
   * stored by each could be switched to twice, which would serve its values twice.
   */
  private leaseBlock(tenant: TenantRef, name: string, lease: Lease, count: number): Promise<void> {
    lease.pending ??= this.lease(tenant, name, count)
      .then((block) => {
        lease.spare = block;
      })
      .finally(() => {
        lease.pending = null;
      });
    return lease.pending;
  }

  private async lease(tenant: TenantRef, name: string, count: number): Promise<Block> {
    // Room for this call plus a normal block, so callers queued behind it still find values left.
    const size = count <= this.leaseSize ? this.leaseSize : count + this.leaseSize;
    const first = await this.counters.lease(tenant, name, size);
    counterLeases.inc();
    if (first !== null) return { first, end: first + size };
    // Near 2^53 a full block no longer fits; lease only what this call needs.
    const exact = await this.counters.lease(tenant, name, count);
    if (exact === null)
      throw new DomainError('InvalidTransition', `Counter ${name} has fewer than ${count} values left`);
    return { first: exact, end: exact + count };
  }

  private leaseOf(tenant: TenantRef, name: string): Lease {
    const key = keyOf(tenant, name);
    let lease = this.leases.get(key);
    if (!lease) {
      lease = { next: 0, end: 0, spare: null, pending: null };
      this.leases.set(key, lease);
    }
    return lease;
  }
}

function keyOf(tenant: TenantRef, name: string): string {
  return `${tenant.tenantId}/${name}`;
}
