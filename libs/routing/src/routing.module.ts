import { Module } from '@nestjs/common';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { TenantSqlService } from '@platform/database';
import { TenantsRepository } from '@platform/tenancy';
import { RouteEventsPublisher } from './route-events.js';
import { RouteResolver } from './route-resolver.js';
import { RoutesRepository } from './routes.repository.js';
import { SingleTenantRouteResolver, TenantSiteRepository } from './tenant-site.js';

@Module({
  providers: [RoutesRepository, RouteEventsPublisher, TenantSiteRepository],
  exports: [RoutesRepository, RouteEventsPublisher, TenantSiteRepository],
})
export class RoutingModule {}

/**
 * The edge's resolver. A tenant's own edge (TENANT_MODE=single) resolves every host to its tenant
 * from the tenant's schema, and never reads the platform's route or tenant tables.
 */
@Module({
  providers: [
    RoutesRepository,
    {
      provide: RouteResolver,
      inject: [RoutesRepository, TenantsRepository, TenantSqlService, PLATFORM_CONFIG],
      useFactory: (
        routes: RoutesRepository,
        tenants: TenantsRepository,
        sql: TenantSqlService,
        config: PlatformConfig,
      ) =>
        config.tenancy.single
          ? (new SingleTenantRouteResolver(sql, config) as unknown as RouteResolver)
          : new RouteResolver(routes, tenants, config),
    },
  ],
  exports: [RouteResolver],
})
export class RouteResolverModule {}
