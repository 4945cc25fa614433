import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import {
  type Prisma,
  type TenantDatabaseNames,
  databaseNameOf,
  quoteIdent,
  TenantSqlService,
  tenantDatabaseNames,
  isTenantDataGone,
} from '@platform/database';

/**
 * What a single-tenant workload needs to check a key, in the tenant's own schema where its login
 * role can read it: hash, scopes, revocation. The platform's `ApiKey` table stays the source of
 * truth; this copy is written in the same transaction as every change to it, and re-synced by the
 * provisioner on every converge.
 */
export const KEY_MIRROR_TABLE = 'platform_api_keys';

export interface MirroredKey {
  id: string;
  keyHash: string;
  /** As the platform's row has them; a single-tenant workload and edge grant exactly these. */
  scopes: string[];
  revokedAt: Date | null;
}

@Injectable()
export class TenantKeyMirrorRepository {
  private readonly databaseName: string;

  constructor(
    private readonly sql: TenantSqlService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.databaseName = databaseNameOf(config.database.url);
  }

  /**
   * Provisioner: the table (owned by the tenant role) and every key of the tenant, as Postgres has them
   * now. In a silo tenant's own database (no `ApiKey` table there) the caller passes the keys it read.
   */
  async ensure(
    tx: Prisma.TransactionClient,
    names: TenantDatabaseNames,
    tenantId: string,
    keys?: readonly MirroredKey[],
  ): Promise<void> {
    const table = `${quoteIdent(names.schema)}.${quoteIdent(KEY_MIRROR_TABLE)}`;
    await tx.$executeRawUnsafe(
      `CREATE TABLE IF NOT EXISTS ${table} (
         id uuid PRIMARY KEY, key_hash text NOT NULL UNIQUE, scopes text[] NOT NULL, revoked_at timestamptz)`,
    );
    await tx.$executeRawUnsafe(`ALTER TABLE ${table} OWNER TO ${quoteIdent(names.role)}`);
    if (keys) {
      for (const key of keys) await this.upsert(tx, table, key);
      return;
    }
    await tx.$executeRawUnsafe(
      `INSERT INTO ${table} (id, key_hash, scopes, revoked_at)
       SELECT id, "keyHash", scopes, "revokedAt" FROM "ApiKey" WHERE "tenantId" = $1::uuid
       ON CONFLICT (id) DO UPDATE SET key_hash = EXCLUDED.key_hash, scopes = EXCLUDED.scopes, revoked_at = EXCLUDED.revoked_at`,
      tenantId,
    );
  }

  /**
   * Control plane: the key as just issued or revoked, in the caller's transaction. Before the
   * provisioner has made the tenant's schema there is no table yet; its converge copies the key then.
   * A silo tenant's table is in its own database, which the caller's transaction cannot reach: it is
   * written there first, under the tenant's role. Should the caller's transaction then fail, the copy
   * holds a key nobody was given, or a revocation ahead of the platform's: never a key more valid.
   */
  async record(tx: Prisma.TransactionClient, tenantSlug: string, key: MirroredKey): Promise<void> {
    const names = tenantDatabaseNames(tenantSlug, this.databaseName);
    const [tenant] = await tx.$queryRaw<{ id: string; placement: string }[]>`
      SELECT id::text, placement::text FROM "Tenant" WHERE slug = ${tenantSlug}`;
    if (tenant?.placement === 'silo') {
      await this.sql
        .run({ tenantId: tenant.id, tenantSlug }, async (client) => {
          const found = await client.query<{ table: string | null }>(`SELECT to_regclass($1)::text AS table`, [
            KEY_MIRROR_TABLE,
          ]);
          if (found.rows[0]?.table) await client.query(upsertSql(quoteIdent(KEY_MIRROR_TABLE)), upsertValues(key));
        })
        .catch((error: unknown) => {
          // Its database or role is not made yet: its first converge copies the key.
          if (!isTenantDataGone(error)) throw error;
        });
      return;
    }
    const table = `${quoteIdent(names.schema)}.${quoteIdent(KEY_MIRROR_TABLE)}`;
    const found = await tx.$queryRaw<{ table: string | null }[]>`SELECT to_regclass(${table})::text AS table`;
    if (!found[0]?.table) return;
    await this.upsert(tx, table, key);
  }

  private async upsert(tx: Prisma.TransactionClient, table: string, key: MirroredKey): Promise<void> {
    await tx.$executeRawUnsafe(upsertSql(table), ...upsertValues(key));
  }
}

const upsertSql = (table: string) =>
  `INSERT INTO ${table} (id, key_hash, scopes, revoked_at) VALUES ($1::uuid, $2, $3::text[], $4)
   ON CONFLICT (id) DO UPDATE SET revoked_at = EXCLUDED.revoked_at`;

const upsertValues = (key: MirroredKey) => [key.id, key.keyHash, key.scopes, key.revokedAt];
