import { Module } from '@nestjs/common';
import { ASSET_STORE, BucketAssetStore, LocalAssetStore } from '@platform/branding';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { HealthModule } from '@platform/observability';
import { RouteResolverModule } from '@platform/routing';
import { TenantAuthModule, TenantCallGate, TenantCallLimiter, TenantCallerAuthenticator } from '@platform/tenant-auth';
import { EdgeController } from './edge.controller.js';
import { EdgePagesService } from './edge-pages.service.js';
import { EdgeTokensController } from './edge-tokens.controller.js';
import { EdgeTokensService } from './edge-tokens.service.js';
import { TenantOpenApiController } from './tenant-openapi.controller.js';
import { WorkloadProxy } from './workload.proxy.js';

@Module({
  imports: [RouteResolverModule, HealthModule, TenantAuthModule],
  controllers: [EdgeTokensController, TenantOpenApiController, EdgeController],
  providers: [
    EdgePagesService,
    EdgeTokensService,
    WorkloadProxy,
    // The edge's own gate: the workloads' (in TenantAuthModule) has no limiter; this one enforces limits.
    TenantCallLimiter,
    {
      provide: TenantCallGate,
      inject: [TenantCallerAuthenticator, TenantCallLimiter, PLATFORM_CONFIG],
      useFactory: (authenticator: TenantCallerAuthenticator, limiter: TenantCallLimiter, config: PlatformConfig) =>
        new TenantCallGate(authenticator, config.edge.tenantLimits ? limiter : undefined),
    },
    {
      provide: ASSET_STORE,
      inject: [PLATFORM_CONFIG],
      useFactory: (config: PlatformConfig) =>
        config.assets.baseUrl ? new BucketAssetStore(config.assets.baseUrl) : new LocalAssetStore(config.assets.dir),
    },
  ],
})
export class EdgeModule {}
