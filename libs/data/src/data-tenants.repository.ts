import { Injectable } from '@nestjs/common';
import { PrismaService, type TenantRef, TenantSqlService } from '@platform/database';

/** Platform-side queries across tenants (catalog and tenant table), never into a tenant's data. */
@Injectable()
export class DataTenantsRepository {
  constructor(
    private readonly sql: TenantSqlService,
    private readonly prisma: PrismaService,
  ) {}

  /** Tenants whose schema has an `ingestions` table, i.e. that have used async ingestion. */
  async withIngestions(): Promise<TenantRef[]> {
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
