import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import {
  type Prisma,
  PrismaService,
  type TenantDatabaseNames,
  databaseUrlFor,
  prismaClientFor,
  quoteIdent,
} from '@platform/database';

/**
 * A silo tenant's own database on the platform's server. `CREATE DATABASE` and `DROP DATABASE` cannot
 * run in a transaction, so each is its own idempotent step; what goes inside the database (the tenant's
 * schema and tables) runs in one transaction there, through a client made for that database alone.
 */
@Injectable()
export class SiloDatabaseRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /**
   * Owned by the platform's user (as the pooled database is), closed to `PUBLIC`: only the tenant's
   * role (and its login role through it) may connect, and only its own schema is open to it.
   */
  async ensure(database: string): Promise<void> {
    const found = await this.prisma.$queryRaw<{ found: number }[]>`
      SELECT 1 AS found FROM pg_database WHERE datname = ${database}`;
    if (found.length === 0) {
      await this.prisma.$executeRawUnsafe(`CREATE DATABASE ${quoteIdent(database)}`).catch((error: unknown) => {
        // 42P04 duplicate_database: another attempt made it between the check and here.
        if (!isPostgresError(error, '42P04')) throw error;
      });
    }
    await this.prisma.$executeRawUnsafe(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
  }

  /** `work` in one transaction inside the tenant's database; the role exists once it commits. */
  async inDatabase<T>(database: string, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    const client = prismaClientFor(
      { ...this.config.database, url: databaseUrlFor(this.config.database.url, database) },
      1,
    );
    try {
      return await client.$transaction(work);
    } finally {
      await client.$disconnect();
    }
  }

  /** Run inside `inDatabase` once the tenant's role exists: it, and nobody else but the owner, may connect. */
  async grantConnect(tx: Prisma.TransactionClient, database: string, names: TenantDatabaseNames): Promise<void> {
    await tx.$executeRawUnsafe(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(names.role)}`);
  }

  /** Every connection to it is ended first (workloads' pools included); nothing there survives. */
  async drop(database: string): Promise<void> {
    await this.prisma.$executeRawUnsafe(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  }
}

function isPostgresError(error: unknown, code: string): boolean {
  for (
    let current = error as { code?: unknown; originalCode?: unknown; cause?: unknown } | undefined, depth = 0;
    current && depth < 6;
    depth++
  ) {
    if (current.code === code || current.originalCode === code) return true;
    current = current.cause as typeof current;
  }
  return false;
}
