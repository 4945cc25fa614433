import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import pg from 'pg';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { isDependencyUnavailable } from '@platform/errors';
import { pgConnectionOptions } from './pg-connection.js';
import { quoteIdent, databaseNameOf } from './sql-identifier.js';
import { tenantDatabaseNames } from './tenant-database-names.js';

/** Who a workload request runs for; every tenant-scoped call takes it first. */
export interface TenantRef {
  tenantId: string;
  tenantSlug: string;
}

export type TenantClient = pg.PoolClient;

/**
 * Workloads' door to a tenant's data: each unit of work is one transaction that has switched to
 * the tenant's role and schema, so Postgres itself refuses anything outside that tenant's schema.
 */
@Injectable()
export class TenantSqlService implements OnModuleDestroy {
  private readonly logger = new Logger(TenantSqlService.name);
  readonly pool: pg.Pool;
  private readonly databaseName: string;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.pool = new pg.Pool({ ...pgConnectionOptions(config.database), max: config.database.poolMax });
    // An idle connection that Postgres drops (restart, failover) is reported here; unheard, it would
    // crash the process. The pool replaces it; requests in flight get their own error (a 503).
    this.pool.on('error', (error) => this.logger.warn(`Idle Postgres connection lost: ${error.message}`));
    this.databaseName = databaseNameOf(config.database.url);
  }

  /**
   * A connection that dies while checked out emits `'error'` on its client, which the pool only
   * listens for while the client is idle: unheard, it would crash the process. Here it is heard,
   * the unit of work fails with it (a 503 upstream), and the broken client is discarded, not reused.
   */
  async run<T>(tenant: TenantRef, work: (client: TenantClient) => Promise<T>): Promise<T> {
    const names = tenantDatabaseNames(tenant.tenantSlug, this.databaseName);
    const client = await this.pool.connect();
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

  async onModuleDestroy(): Promise<void> {
    await this.pool.end();
  }
}

/** pg marks a client that hit a connection error as no longer queryable; such a client must not go back to the pool. */
function isBroken(client: pg.PoolClient): boolean {
  return (client as unknown as { _queryable?: boolean })._queryable === false;
}
