import { Inject, Injectable, Logger } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService, type TenantRef, TenantSqlService, isTenantDataGone } from '@platform/database';

/** Platform-side queries across tenants (catalog and tenant table), never into a tenant's data. */
@Injectable()
export class DataTenantsRepository {
  private readonly logger = new Logger(DataTenantsRepository.name);
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
      const tenant = { tenantId: single.tenantId, tenantSlug: single.tenantSlug };
      return (await this.hasIngestions(tenant)) ? [tenant] : [];
    }
    return [...(await this.pooledWithIngestions()), ...(await this.siloWithIngestions())];
  }

  private async pooledWithIngestions(): Promise<TenantRef[]> {
    const schemas = await this.sql.pool.query<{ schema: string }>(
      `SELECT n.nspname AS schema FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = 'ingestions' AND c.relkind = 'r' AND n.nspname LIKE 't\\_%'`,
    );
    // Schema `t_<slug>` with `-` turned into `_`; slugs never contain `_`, so this is reversible.
    const slugs = schemas.rows.map((row) => row.schema.slice(2).replaceAll('_', '-'));
    if (!slugs.length) return [];
    const tenants = await this.prisma.tenant.findMany({
      where: { slug: { in: slugs }, desiredState: { not: 'deleted' }, placement: 'pooled' },
      select: { id: true, slug: true },
    });
    return tenants.map((tenant) => ({ tenantId: tenant.id, tenantSlug: tenant.slug }));
  }

  /** Each silo tenant's schema is in its own database: asked one by one (enterprise tenants are few). */
  private async siloWithIngestions(): Promise<TenantRef[]> {
    const tenants = await this.prisma.tenant.findMany({
      where: { placement: 'silo', desiredState: { not: 'deleted' } },
      select: { id: true, slug: true },
    });
    const found: TenantRef[] = [];
    for (const { id, slug } of tenants) {
      const tenant = { tenantId: id, tenantSlug: slug };
      const has = await this.hasIngestions(tenant).catch((error: unknown) => {
        // Its database or role is not made yet: nothing to sweep there. Any other failure (its silo
        // server away) skips this tenant until the next sweep, never the other tenants.
        if (!isTenantDataGone(error)) this.logger.warn(`Ingestions of ${slug} not swept: ${(error as Error).message}`);
        return false;
      });
      if (has) found.push(tenant);
    }
    return found;
  }

  private async hasIngestions(tenant: TenantRef): Promise<boolean> {
    const found = await this.sql.run(tenant, (client) =>
      client.query(`SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'ingestions'`),
    );
    return (found.rowCount ?? 0) > 0;
  }
}
