import { Inject, Injectable } from '@nestjs/common';
import { FreshCache, oneByOne } from '@platform/cache';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import {
  type Prisma,
  type Route,
  type RouteState,
  type TenantDatabaseNames,
  TenantSqlService,
  quoteIdent,
} from '@platform/database';
import { addToLogContext } from '@platform/observability';
import { type Resolution, normaliseHost } from './route-resolver.js';

/**
 * What a tenant's own edge (TENANT_MODE=single, GKE) needs to serve its pages, in the tenant's
 * schema where its login role can read it: one row with the display name, the state, and the
 * content-hashed names of the landing and suspended pages (the pages themselves, with the brand's
 * name, colours and logo, are in the tenant's bucket). The platform's `Route` rows stay the source
 * of truth; the provisioner rewrites this row in the same transaction, on every converge.
 */
export const SITE_TABLE = 'platform_site';

export interface TenantSite {
  slug: string;
  displayName: string;
  state: RouteState;
  landingAsset: string;
  suspendedAsset: string;
}

/** Provisioner side: the row, as the spec being converged has it. */
@Injectable()
export class TenantSiteRepository {
  async ensure(tx: Prisma.TransactionClient, names: TenantDatabaseNames, site: TenantSite): Promise<void> {
    const table = `${quoteIdent(names.schema)}.${quoteIdent(SITE_TABLE)}`;
    await tx.$executeRawUnsafe(
      `CREATE TABLE IF NOT EXISTS ${table} (
         id boolean PRIMARY KEY DEFAULT true CHECK (id), slug text NOT NULL, display_name text NOT NULL,
         state text NOT NULL, landing_asset text NOT NULL, suspended_asset text NOT NULL)`,
    );
    await tx.$executeRawUnsafe(`ALTER TABLE ${table} OWNER TO ${quoteIdent(names.role)}`);
    await tx.$executeRawUnsafe(
      `INSERT INTO ${table} (slug, display_name, state, landing_asset, suspended_asset) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET slug = EXCLUDED.slug, display_name = EXCLUDED.display_name,
         state = EXCLUDED.state, landing_asset = EXCLUDED.landing_asset, suspended_asset = EXCLUDED.suspended_asset`,
      site.slug,
      site.displayName,
      site.state,
      site.landingAsset,
      site.suspendedAsset,
    );
  }
}

/** How long a tenant's edge trusts the site row: the upper bound on how late a rebrand or suspension shows. */
export const SITE_CACHE_MS = 5_000;
const IP_HOST = /^(\d{1,3}(\.\d{1,3}){3}|\[[0-9a-f:.]+\])$/;

/**
 * The route resolver of a tenant's own edge: every hostname is this tenant's (its load balancer
 * sends only its own), read from the site row with the tenant's credentials, never from the
 * platform's route or tenant tables. The platform apex (the Host the tenant program's probes and
 * health check send) and a bare IP address (how Managed Prometheus reaches a pod) resolve to
 * `platform`, where the edge answers its probes and metrics and no tenant page.
 */
@Injectable()
export class SingleTenantRouteResolver {
  private readonly cache = new FreshCache<Route>({
    ttlMs: SITE_CACHE_MS,
    refreshAheadMs: 1_000,
    maxEntries: 1,
    load: oneByOne(() => this.load()),
  });
  private readonly tenant: { tenantId: string; tenantSlug: string };
  private readonly apex: string;

  constructor(
    private readonly sql: TenantSqlService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    const { tenantId, tenantSlug } = config.tenancy.single!;
    this.tenant = { tenantId, tenantSlug };
    this.apex = config.platform.domain;
  }

  private isPlatform(hostname: string): boolean {
    return hostname === this.apex || IP_HOST.test(hostname);
  }

  async resolve(hostHeader: string | undefined): Promise<Resolution> {
    const hostname = normaliseHost(hostHeader);
    if (this.isPlatform(hostname)) return { kind: 'platform' };
    addToLogContext({ tenantId: this.tenant.tenantId });
    const route = await this.cache.get('site');
    return this.resolutionOf(hostname, route);
  }

  resolveHeld(hostHeader: string | undefined): Resolution | undefined {
    const hostname = normaliseHost(hostHeader);
    if (this.isPlatform(hostname)) return { kind: 'platform' };
    const route = this.cache.peek('site');
    return route && this.resolutionOf(hostname, route);
  }

  private resolutionOf(hostname: string, route: Route | undefined): Resolution {
    // No row yet: the provisioner has not converged this tenant's schema.
    if (!route) return { kind: 'not-ready', slug: this.tenant.tenantSlug, displayName: this.tenant.tenantSlug };
    return { kind: 'routed', route: { ...route, hostname } };
  }

  private readonly load = async (): Promise<Route | undefined> => {
    const { rows } = await this.sql.run(this.tenant, (client) =>
      client.query<{ state: RouteState; landing_asset: string; suspended_asset: string }>(
        `SELECT state, landing_asset, suspended_asset FROM ${quoteIdent(SITE_TABLE)}`,
      ),
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      hostname: '',
      tenantId: this.tenant.tenantId,
      slug: this.tenant.tenantSlug,
      state: row.state,
      landingAsset: row.landing_asset,
      suspendedAsset: row.suspended_asset,
      updatedAt: new Date(),
    };
  };
}
