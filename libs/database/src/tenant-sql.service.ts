import { setTimeout as delay } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { FreshCache } from '@platform/cache';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { DomainError, hasPostgresCode, isDependencyUnavailable, isDomainError } from '@platform/errors';
import type { Placement } from './generated/enums.js';
import { hearLostConnections, pgConnectionOptions } from './pg-connection.js';
import { quoteIdent, databaseNameOf } from './sql-identifier.js';
import {
  type TenantPlacement,
  databaseUrlFor,
  placementOfRow,
  tenantDatabaseNamesIn,
} from './tenant-database-names.js';

/** Who a workload request runs for; every tenant-scoped call takes it first. */
export interface TenantRef {
  tenantId: string;
  tenantSlug: string;
}

export type TenantClient = pg.PoolClient;

// A tenant's placement is set at onboarding and never changes, so it is trusted for long; the bound
// only keeps lookups of many tenants from growing the cache without end.
const PLACEMENT_CACHE = { ttlMs: 10 * 60_000, refreshAheadMs: 0, maxEntries: 10_000 };
/** Connections per silo database: enterprise tenants are few, and each pool is one replica's share. */
const SILO_POOL_MAX = 5;
/** Idle silo connections close after this, so an offboarded tenant's database is not held open. */
const SILO_IDLE_MS = 10_000;
/** How often a silo pool being closed is checked for requests still waiting for one of its connections. */
const SILO_DRAIN_CHECK_MS = 50;
/** Past this many open silo pools the least recently used one is closed. */
const MAX_SILO_POOLS = 100;
// "terminating connection due to administrator command" (DROP DATABASE ... WITH (FORCE)) and
// "database does not exist": the tenant's database is gone, so its pool is closed, not kept.
const DATABASE_GONE_CODES = new Set(['57P01', '3D000']);

/**
 * Workloads' door to a tenant's data: each unit of work is one transaction that has switched to
 * the tenant's role and schema, so Postgres itself refuses anything outside that tenant's schema.
 * A pooled tenant's schema is in the platform's database; a silo tenant's is in its own database
 * on the silo server (SILO_DATABASE_URL, by default DATABASE_URL's server), reached as the platform's
 * user there through a small pool of its own (made on first use).
 */
@Injectable()
export class TenantSqlService implements OnModuleDestroy {
  private readonly logger = new Logger(TenantSqlService.name);
  /** The configured database: the pooled one, or a single-tenant workload's own. */
  readonly pool: pg.Pool;
  private readonly databaseName: string;
  private readonly single: boolean;
  private readonly placements = new FreshCache<TenantPlacement>(PLACEMENT_CACHE);
  /** Silo pools by database name, least recently used first. */
  private readonly siloPools = new Map<string, pg.Pool>();

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {
    this.pool = new pg.Pool({ ...pgConnectionOptions(config.database), max: config.database.poolMax });
    // An idle connection that Postgres drops (restart, failover) is reported here; unheard, it would
    // crash the process. The pool replaces it; requests in flight get their own error (a 503).
    hearLostConnections(this.pool, (message) => this.logger.warn(message));
    this.databaseName = databaseNameOf(config.database.url);
    // A single-tenant workload's DATABASE_URL already is its tenant's database, wherever it is placed.
    this.single = config.tenancy.mode === 'single';
  }

  /**
   * A connection that dies while checked out emits `'error'` on its client, which the pool only
   * listens for while the client is idle: unheard, it would crash the process. Here it is heard,
   * the unit of work fails with it (a 503 upstream), and the broken client is discarded, not reused.
   */
  async run<T>(tenant: TenantRef, work: (client: TenantClient) => Promise<T>): Promise<T> {
    return this.runIn(tenant, work).catch((error: unknown) => {
      // Its database or role is gone (offboarded while a route cache still led here) or not made yet.
      if (!hasPostgresCode(error, '3D000', '42704')) throw error;
      throw new DomainError('TenantNotFound', 'No tenant is served on this host', { reason: 'TenantDataGone' });
    });
  }

  private async runIn<T>(tenant: TenantRef, work: (client: TenantClient) => Promise<T>): Promise<T> {
    const names = tenantDatabaseNamesIn(tenant.tenantSlug, this.databaseName);
    const client = await (await this.poolFor(tenant)).connect();
    let lost: Error | undefined;
    const onError = (error: Error) => {
      lost ??= error;
      this.logger.warn(`Postgres connection lost during a request: ${error.message}`);
    };
    client.on('error', onError);
    try {
      await client.query(
        `BEGIN; SET LOCAL ROLE ${quoteIdent(names.role)}; SET LOCAL search_path TO ${quoteIdent(names.schema)}`,
      );
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      if (!lost) await client.query('ROLLBACK').catch(() => undefined);
      // A query on a client that already lost its connection fails with "not queryable"; the cause is the loss.
      throw lost && !isDependencyUnavailable(error) ? lost : error;
    } finally {
      client.removeListener('error', onError);
      client.release(lost ?? (isBroken(client) ? new Error('connection unusable') : undefined));
    }
  }

  /** Where the tenant's data lives, from its row (cached: it never changes); pooled for a single-tenant workload. */
  async placementOf(tenant: TenantRef): Promise<TenantPlacement> {
    if (this.single) return { model: 'pooled' };
    const placement = await this.placements.get(tenant.tenantId, () => this.loadPlacement(tenant.tenantId));
    return placement ?? { model: 'pooled' };
  }

  /** Closes the pool of a silo database that is about to go (offboarding), so no connection of ours holds it. */
  async forgetSilo(database: string): Promise<void> {
    const pool = this.siloPools.get(database);
    if (!pool) return;
    this.siloPools.delete(database);
    // pg's pool neither serves nor fails a connect() already waiting when it is ended: that request
    // would hang for good. So it is ended once none waits (a caller that took it from the map this
    // turn has asked by the first check); new callers get a new pool meanwhile.
    do await delay(SILO_DRAIN_CHECK_MS);
    while (pool.waitingCount > 0);
    await pool.end().catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.siloPools.keys()].map((database) => this.forgetSilo(database)));
    await this.pool.end();
  }

  private async poolFor(tenant: TenantRef): Promise<pg.Pool> {
    const placement = await this.placementOf(tenant);
    return placement.model === 'silo' ? this.siloPool(placement.database) : this.pool;
  }

  private siloPool(database: string): pg.Pool {
    const existing = this.siloPools.get(database);
    if (existing) {
      this.siloPools.delete(database);
      this.siloPools.set(database, existing);
      return existing;
    }
    const settings = { ...this.config.siloDatabase, url: databaseUrlFor(this.config.siloDatabase.url, database) };
    const pool = new pg.Pool({
      ...pgConnectionOptions(settings),
      max: Math.min(SILO_POOL_MAX, this.config.database.poolMax),
      idleTimeoutMillis: SILO_IDLE_MS,
    });
    hearLostConnections(pool, (message) => this.logger.warn(message), `Postgres (${database})`);
    pool.on('error', (error: Error & { code?: string }) => {
      // Only this pool: an older one's idle connection failing late must not close its successor.
      if (error.code && DATABASE_GONE_CODES.has(error.code) && this.siloPools.get(database) === pool)
        void this.forgetSilo(database);
    });
    this.siloPools.set(database, pool);
    if (this.siloPools.size > MAX_SILO_POOLS) void this.forgetSilo(this.siloPools.keys().next().value!);
    return pool;
  }

  private async loadPlacement(tenantId: string): Promise<TenantPlacement | undefined> {
    const { rows } = await this.pool.query<{ placement: Placement; siloDatabase: string | null }>(
      `SELECT placement, "siloDatabase" FROM "Tenant" WHERE id = $1::uuid`,
      [tenantId],
    );
    return rows[0] && placementOfRow(rows[0]);
  }
}

/** pg marks a client that hit a connection error as no longer queryable; such a client must not go back to the pool. */
function isBroken(client: pg.PoolClient): boolean {
  return (client as unknown as { _queryable?: boolean })._queryable === false;
}

/** A tenant's database or role that is not there (yet, or any more): what `run` answers then. */
export function isTenantDataGone(error: unknown): boolean {
  return isDomainError(error) && error.code === 'TenantNotFound';
}
