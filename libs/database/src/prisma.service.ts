import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaClient } from './generated/client.js';
import { type PgConnectionSettings, pgConnectionOptions } from './pg-connection.js';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    super({ adapter: new PrismaPg({ ...pgConnectionOptions(config.database), max: config.database.poolMax }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

/**
 * A client of another database on the same server, e.g. a silo tenant's own, for DDL the provisioner
 * runs there in a transaction. The caller disconnects it.
 */
export function prismaClientFor(settings: PgConnectionSettings, poolMax: number): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ ...pgConnectionOptions(settings), max: poolMax }) });
}
