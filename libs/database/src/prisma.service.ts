import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaClient } from './generated/client.js';
import { type PgConnectionSettings, hearLostConnections, pgConnectionOptions } from './pg-connection.js';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  private readonly logger = new Logger(PrismaService.name);
  /**
   * The pool under Prisma's adapter, for the few statements on a hot path: Prisma compiles every
   * query it runs (about 0.7 ms of CPU each, measured under bursts of onboardings), a named pg
   * statement is parsed and planned by Postgres once per connection.
   */
  readonly pool: pg.Pool;

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    const pool = new pg.Pool({ ...pgConnectionOptions(config.database), max: config.database.poolMax });
    super({ adapter: new PrismaPg(pool) });
    this.pool = pool;
    hearLostConnections(this.pool, (message) => this.logger.warn(message));
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
    await this.pool.end();
  }
}

/**
 * A client of another database (e.g. a silo tenant's own, on the silo server), for DDL the provisioner
 * runs there in a transaction. The caller disconnects it.
 */
export function prismaClientFor(settings: PgConnectionSettings, poolMax: number): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ ...pgConnectionOptions(settings), max: poolMax }) });
}
