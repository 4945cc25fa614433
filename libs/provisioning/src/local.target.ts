import { Inject, Injectable } from '@nestjs/common';
import { ASSET_STORE, type AssetStore, buildBrandingBundle } from '@platform/branding';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { traced } from '@platform/observability';
import { type Prisma, PrismaService, databaseNameOf, tenantDatabaseNames } from '@platform/database';
import {
  type DesiredRoute,
  RouteEventsPublisher,
  RoutesRepository,
  type TenantSite,
  TenantSiteRepository,
} from '@platform/routing';
import type { TenantSpec } from '@platform/tenancy';
import { type MirroredKey, TenantKeyMirrorRepository } from '@platform/tenant-auth';
import { ensureTenantUsageTable } from '@platform/usage';
import type { ConvergeResult, ProvisioningTarget } from './provisioning-target.js';
import { TenantCredentialsRepository } from './tenant-credentials.repository.js';
import { SILO_TRANSACTION, SiloDatabaseRepository } from './silo-database.repository.js';
import { TenantDatabaseRepository } from './tenant-database.repository.js';

export interface LocalTenantPlan {
  database: ReturnType<typeof tenantDatabaseNames>;
  bundle: ReturnType<typeof buildBrandingBundle>;
  routes: DesiredRoute[];
}

/** Pure: what must exist on this machine for a spec. */
export function planLocalTenant(spec: TenantSpec, platformDomain: string, databaseName: string): LocalTenantPlan {
  const bundle = buildBrandingBundle({ slug: spec.slug, displayName: spec.displayName, branding: spec.branding });
  const hostnames = [`${spec.slug}.${platformDomain}`, ...spec.domains];
  return {
    database: tenantDatabaseNames(spec.slug, databaseName),
    bundle,
    routes: hostnames.map((hostname) => ({
      hostname,
      slug: spec.slug,
      state: spec.state === 'suspended' ? 'suspended' : 'active',
      landingAsset: bundle.landingPage.name,
      suspendedAsset: bundle.suspendedPage.name,
    })),
  };
}

/**
 * Tenants on this machine: a Postgres schema and role, branding files in the local asset store,
 * and rows in the routing table the edge reads. Assets are content-addressed and written first,
 * so routes never point at a file that is not there; schema, role and routes commit together.
 * A silo tenant's schema, its roles and its login role are in a database of its own on the silo
 * server (SILO_DATABASE_URL; here by default the same server), made before its routes.
 */
@Injectable()
export class LocalTarget implements ProvisioningTarget {
  readonly name = 'local';

  constructor(
    private readonly prisma: PrismaService,
    private readonly database: TenantDatabaseRepository,
    private readonly silo: SiloDatabaseRepository,
    private readonly credentials: TenantCredentialsRepository,
    private readonly keyMirror: TenantKeyMirrorRepository,
    private readonly routes: RoutesRepository,
    private readonly site: TenantSiteRepository,
    private readonly routeEvents: RouteEventsPublisher,
    @Inject(ASSET_STORE) private readonly assets: AssetStore,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async converge(spec: TenantSpec): Promise<ConvergeResult> {
    const plan = planLocalTenant(spec, this.config.platform.domain, databaseNameOf(this.config.database.url));
    await traced('assets.write', async () => {
      for (const asset of plan.bundle.assets) await this.assets.put(spec.tenantId, asset);
    });
    const site = { ...plan.routes[0]!, displayName: spec.displayName };
    // A silo tenant's schema and tables are made in its own database first, so its routes (below)
    // never lead to a database that is not there yet.
    if (spec.placement.model === 'silo') await this.convergeSilo(spec, plan, spec.placement.database, site);
    const { changed, notOwned } = await traced('postgres: schema, role and routes', () =>
      this.prisma.$transaction(async (tx) => {
        if (spec.placement.model === 'pooled') {
          await this.database.ensure(tx, plan.database);
          await this.inTenantSchema(tx, spec, plan, site);
          const credential = await this.credentials.ensure(tx, spec.tenantId);
          await this.database.ensureLogin(tx, plan.database, credential.databasePassword);
        }
        return this.routes.replaceForTenant(
          tx,
          spec.tenantId,
          plan.routes,
          `${spec.slug}.${this.config.platform.domain}`,
        );
      }),
    );
    await traced('routes.publish', () => this.routeEvents.publish(changed));
    const routed = plan.routes.map((route) => route.hostname).filter((hostname) => !notOwned.includes(hostname));
    const hostnames = routed.join(', ') + (notOwned.length ? `; not owned any more: ${notOwned.join(', ')}` : '');
    return {
      conditions: [
        {
          type: 'Provisioned',
          status: 'True',
          reason: 'SchemaReady',
          message:
            spec.placement.model === 'silo'
              ? `Database ${spec.placement.database} of its own: schema ${plan.database.schema}, its role and its login role exist`
              : `Schema ${plan.database.schema}, its role and its login role exist`,
        },
        { type: 'DnsReady', status: 'True', reason: 'Routed', message: `Routed: ${hostnames}` },
        {
          type: 'WorkloadsReady',
          status: 'True',
          reason: 'SharedWorkloads',
          message: "Served by this machine's counter and data API",
        },
      ],
    };
  }

  async teardown(spec: TenantSpec): Promise<void> {
    const names = tenantDatabaseNames(spec.slug, databaseNameOf(this.config.database.url));
    const silo = spec.placement.model === 'silo' ? spec.placement.database : undefined;
    const changed = await this.prisma.$transaction(async (tx) => {
      const removed = await this.routes.removeForTenant(tx, spec.tenantId);
      // A silo tenant's roles own what is in its database, on the silo server: they go there once it has.
      if (!silo) {
        await this.database.drop(tx, names);
        await this.credentials.remove(tx, spec.tenantId);
      }
      return removed;
    });
    await this.routeEvents.publish(changed);
    if (silo) {
      await this.silo.drop(silo);
      await this.silo.onServer((tx) => this.database.dropRoles(tx, names));
      await this.prisma.$transaction((tx) => this.credentials.remove(tx, spec.tenantId));
    }
    await this.assets.removeAll(spec.tenantId);
  }

  /**
   * The tenant's own database on the silo server, its roles, schema and tables there; each step is
   * safe to repeat. Its login role is made there too (roles are per server): the credentials row
   * stays locked in the platform database until that has committed, so a rotation waits for it.
   */
  private async convergeSilo(spec: TenantSpec, plan: LocalTenantPlan, database: string, site: TenantSite) {
    await traced('postgres: silo database', () => this.silo.ensure(database));
    const keys = await this.prisma.apiKey.findMany({
      where: { tenantId: spec.tenantId },
      select: { id: true, keyHash: true, scopes: true, revokedAt: true },
    });
    await traced('postgres: silo schema, role and login role', () =>
      this.prisma.$transaction(async (platform) => {
        const credential = await this.credentials.ensure(platform, spec.tenantId);
        await this.silo.inDatabase(database, async (tx) => {
          await this.database.ensure(tx, plan.database);
          await this.silo.grantConnect(tx, database, plan.database);
          await this.database.ensureLogin(tx, plan.database, credential.databasePassword);
          await this.inTenantSchema(tx, spec, plan, site, keys);
        });
      }, SILO_TRANSACTION),
    );
  }

  /** What lives in the tenant's schema besides its workloads' tables, wherever that schema is. */
  private async inTenantSchema(
    tx: Prisma.TransactionClient,
    spec: TenantSpec,
    plan: LocalTenantPlan,
    site: TenantSite,
    keys?: MirroredKey[],
  ): Promise<void> {
    await this.keyMirror.ensure(tx, plan.database, spec.tenantId, keys);
    // What the tenant's own edge (GKE) serves, readable with the tenant's credentials.
    await this.site.ensure(tx, plan.database, site);
    await ensureTenantUsageTable(tx, plan.database);
  }
}
