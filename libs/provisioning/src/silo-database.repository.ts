import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { hasPostgresCode } from '@platform/errors';
import {
  type Prisma,
  type PrismaClient,
  type TenantDatabaseNames,
  databaseUrlFor,
  prismaClientFor,
  quoteIdent,
} from '@platform/database';

// DDL inside a silo database (a tenant's schema and tables) and the platform transaction that waits
// for it take longer than Prisma's 5 s default on a loaded machine; a timeout here only aborts the job.
export const SILO_TRANSACTION = { timeout: 60_000 };

/**
 * A silo tenant's own database, on the silo server (SILO_DATABASE_URL; locally DATABASE_URL's server),
 * as the platform's user there. `CREATE DATABASE` and `DROP DATABASE` cannot run in a transaction, so
 * each is its own idempotent step; what goes inside the database (the tenant's roles, schema and
 * tables) runs in one transaction there, and the roles, which are per server, are dropped there too.
 * Each call uses a client of its own, closed when it returns: provisioning is rare, connections are not.
 */
@Injectable()
export class SiloDatabaseRepository {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  /**
   * Owned by the platform's user on the silo server, closed to `PUBLIC`: only the tenant's role (and
   * its login role through it) may connect, and only its own schema is open to it.
   */
  async ensure(database: string): Promise<void> {
    await this.withClient(this.config.siloDatabase.url, async (client) => {
      const found = await client.$queryRaw<{ found: number }[]>`
        SELECT 1 AS found FROM pg_database WHERE datname = ${database}`;
      if (found.length === 0) {
        await client.$executeRawUnsafe(`CREATE DATABASE ${quoteIdent(database)}`).catch((error: unknown) => {
          // 42P04 duplicate_database: another attempt made it between the check and here.
          if (!hasPostgresCode(error, '42P04')) throw error;
        });
      }
      await client.$executeRawUnsafe(`REVOKE ALL ON DATABASE ${quoteIdent(database)} FROM PUBLIC`);
    });
  }

  /** `work` in one transaction inside the tenant's database; what it made exists once it commits. */
  inDatabase<T>(database: string, work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.withClient(databaseUrlFor(this.config.siloDatabase.url, database), (client) =>
      client.$transaction(work, SILO_TRANSACTION),
    );
  }

  /** `work` in one transaction on the silo server, outside any tenant's database: its roles live there. */
  onServer<T>(work: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
    return this.withClient(this.config.siloDatabase.url, (client) => client.$transaction(work, SILO_TRANSACTION));
  }

  /** Run inside `inDatabase` once the tenant's role exists: it, and nobody else but the owner, may connect. */
  async grantConnect(tx: Prisma.TransactionClient, database: string, names: TenantDatabaseNames): Promise<void> {
    await tx.$executeRawUnsafe(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(names.role)}`);
  }

  /** Every connection to it is ended first (workloads' pools included); nothing there survives. */
  async drop(database: string): Promise<void> {
    await this.withClient(this.config.siloDatabase.url, (client) =>
      client.$executeRawUnsafe(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`),
    );
  }

  private async withClient<T>(url: string, work: (client: PrismaClient) => Promise<T>): Promise<T> {
    const client = prismaClientFor({ ...this.config.siloDatabase, url }, 1);
    try {
      return await work(client);
    } finally {
      await client.$disconnect();
    }
  }
}
