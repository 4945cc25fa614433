import { Injectable } from '@nestjs/common';
import {
  type Prisma,
  type TenantDatabaseNames,
  quoteIdent,
  scramSha256Verifier,
  verifierLiteral,
} from '@platform/database';

/** DDL for a tenant's own schema and role. Runs in the caller's transaction: all of it or none. */
@Injectable()
export class TenantDatabaseRepository {
  async ensure(tx: Prisma.TransactionClient, names: TenantDatabaseNames): Promise<void> {
    const role = quoteIdent(names.role);
    const schema = quoteIdent(names.schema);
    const existing = await tx.$queryRaw<
      { found: number }[]
    >`SELECT 1 AS found FROM pg_roles WHERE rolname = ${names.role}`;
    if (existing.length === 0) {
      await tx.$executeRawUnsafe(`CREATE ROLE ${role} NOLOGIN NOINHERIT`);
    }
    // The platform's own user switches to the tenant role per request (SET ROLE), so it must be a member.
    await tx.$executeRawUnsafe(`GRANT ${role} TO CURRENT_USER`);
    await tx.$executeRawUnsafe(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
    await tx.$executeRawUnsafe(`ALTER SCHEMA ${schema} OWNER TO ${role}`);
    await tx.$executeRawUnsafe(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
  }

  /**
   * The tenant's own LOGIN role, for its workloads on GKE: a member of the tenant role (so it can
   * read, write and create in the tenant's schema, and nowhere else), owning nothing, with no
   * other attribute. Rotating the password means calling this again with a new one.
   */
  async ensureLogin(tx: Prisma.TransactionClient, names: TenantDatabaseNames, password: string): Promise<void> {
    const login = quoteIdent(names.login);
    const verifier = verifierLiteral(scramSha256Verifier(password));
    const existing = await tx.$queryRaw<
      { found: number }[]
    >`SELECT 1 AS found FROM pg_roles WHERE rolname = ${names.login}`;
    if (existing.length === 0)
      await tx.$executeRawUnsafe(
        `CREATE ROLE ${login} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ${verifier}`,
      );
    else await tx.$executeRawUnsafe(`ALTER ROLE ${login} LOGIN PASSWORD ${verifier}`);
    await tx.$executeRawUnsafe(`GRANT ${quoteIdent(names.role)} TO ${login}`);
  }

  /** A new password for the login role, if the provisioner has made it yet (otherwise it will, with this one). */
  async setLoginPassword(tx: Prisma.TransactionClient, names: TenantDatabaseNames, password: string): Promise<boolean> {
    const existing = await tx.$queryRaw<
      { found: number }[]
    >`SELECT 1 AS found FROM pg_roles WHERE rolname = ${names.login}`;
    if (existing.length === 0) return false;
    const verifier = verifierLiteral(scramSha256Verifier(password));
    await tx.$executeRawUnsafe(`ALTER ROLE ${quoteIdent(names.login)} PASSWORD ${verifier}`);
    return true;
  }

  async drop(tx: Prisma.TransactionClient, names: TenantDatabaseNames): Promise<void> {
    await tx.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${quoteIdent(names.schema)} CASCADE`);
    await this.dropRoles(tx, names);
  }

  /** The tenant's login role and role, once nothing of theirs is left on the server (its schema or database). */
  async dropRoles(tx: Prisma.TransactionClient, names: TenantDatabaseNames): Promise<void> {
    await tx.$executeRawUnsafe(`DROP ROLE IF EXISTS ${quoteIdent(names.login)}`);
    await tx.$executeRawUnsafe(`DROP ROLE IF EXISTS ${quoteIdent(names.role)}`);
  }

  /** Session-free lock scoped to the transaction: released on commit, rollback or a dropped connection. */
  async tryLockTenant(tx: Prisma.TransactionClient, tenantId: string): Promise<boolean> {
    const rows = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(hashtextextended(${tenantId}, 0)) AS locked`;
    return rows[0]?.locked === true;
  }
}
