import { Inject, Injectable } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService, type TenantRef, TenantSqlService } from '@platform/database';

/** Platform-side queries across tenants (catalog and tenant table), never into a tenant's data. */
@Injectable()
export class DataTenantsRepository {
  constructor(
    private readonly sql: TenantSqlService,
    private readonly prisma: PrismaService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** Tenants whose schema has an `ingestions` table, i.e. that have used async ingestion. */
  async withIngestions(): Promise<TenantRef[]> {
    // A single-tenant data API sweeps its own schema only (its login role can see no other).
    const single = this.config.tenancy.single;
    if (single) {
      const found = await this.sql.run(single, (client) =>
        client.query(`SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'ingestions'`),
      );
      return found.rowCount ? [{ tenantId: single.tenantId, tenantSlug: single.tenantSlug }] : [];
    }
    const schemas = await this.sql.pool.query<{ schema: string }>(
      `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = 'ingestions' AND c.relkind = 'r' AND n.nspname LIKE 't\\_%'`,
    );
    // Schema `t_<slug>` with `-` turned into `_`; slugs never contain `_`, so this is reversible.
    const slugs = schemas.rows.map((row) => row.schema.slice(2).replaceAll('_', '-'));
    if (!slugs.length) return [];
    const tenants = await this.prisma.tenant.findMany({
      where: { slug: { in: slugs }, desiredState: { not: 'deleted' } },
      select: { id: true, slug: true },
    });
    return tenants.map((tenant) => ({ tenantId: tenant.id, tenantSlug: tenant.slug }));
  }
}
