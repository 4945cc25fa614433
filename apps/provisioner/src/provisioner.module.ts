import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@platform/config';
import { DatabaseModule } from '@platform/database';
import { HealthEndpointsModule } from '@platform/observability';
import { ProvisioningModule } from '@platform/provisioning';
import { QueueModule } from '@platform/queue';
import { TenantStoreModule } from '@platform/tenancy';

@Module({
  imports: [
    PlatformConfigModule.forApp('provisioner'),
    DatabaseModule,
    QueueModule,
    TenantStoreModule,
    ProvisioningModule.forWorker(),
    HealthEndpointsModule,
  ],
})
export class ProvisionerModule {}
