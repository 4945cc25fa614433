import { type DynamicModule, Module } from '@nestjs/common';
import { ASSET_STORE, LocalAssetStore } from '@platform/branding';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { RoutingModule } from '@platform/routing';
import { TenantKeyMirrorRepository } from '@platform/tenant-auth';
import { LocalTarget } from './local.target.js';
import { ProvisionTenantService } from './provision-tenant.service.js';
import { PROVISIONING_TARGET, type ProvisioningTarget } from './provisioning-target.js';
import { ProvisioningWorker } from './provisioning.worker.js';
import { ProvisioningMetrics } from './provisioning.metrics.js';
import { ReconcilerService } from './reconciler.service.js';
import { SiloDatabaseRepository } from './silo-database.repository.js';
import { TenantCredentialsRepository } from './tenant-credentials.repository.js';
import { TenantCredentialsService } from './tenant-credentials.service.js';
import { TenantDatabaseRepository } from './tenant-database.repository.js';

async function selectTarget(
  config: PlatformConfig,
  local: LocalTarget,
  credentials: TenantCredentialsRepository,
): Promise<ProvisioningTarget> {
  if (config.provisioner.target === 'local') return local;
  // Loaded only when chosen, so the local target never loads the Pulumi SDK.
  const { createPulumiTarget } = await import('./pulumi-target.factory.js');
  return createPulumiTarget(config, local, credentials);
}

@Module({})
export class ProvisioningModule {
  /** The worker side: target, use case, BullMQ worker and reconciler. */
  static forWorker(): DynamicModule {
    return {
      module: ProvisioningModule,
      imports: [RoutingModule],
      providers: [
        TenantDatabaseRepository,
        SiloDatabaseRepository,
        TenantCredentialsRepository,
        TenantKeyMirrorRepository,
        LocalTarget,
        {
          provide: ASSET_STORE,
          inject: [PLATFORM_CONFIG],
          useFactory: (config: PlatformConfig) => new LocalAssetStore(config.assets.dir),
        },
        {
          provide: PROVISIONING_TARGET,
          inject: [PLATFORM_CONFIG, LocalTarget, TenantCredentialsRepository],
          useFactory: selectTarget,
        },
        ProvisionTenantService,
        ProvisioningWorker,
        ProvisioningMetrics,
        ReconcilerService,
      ],
      exports: [ProvisionTenantService, ReconcilerService],
    };
  }
}

/** Control plane side: rotating a tenant's own credentials. Needs the global Tenancy and Audit modules. */
@Module({
  providers: [TenantCredentialsRepository, TenantDatabaseRepository, SiloDatabaseRepository, TenantCredentialsService],
  exports: [TenantCredentialsService],
})
export class TenantCredentialsModule {}
