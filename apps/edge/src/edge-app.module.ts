import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@platform/config';
import { DatabaseModule } from '@platform/database';
import { EdgeModule } from '@platform/edge';
import { TenantStoreModule } from '@platform/tenancy';
import { QueueModule } from '@platform/queue';
import { UsageMeteringModule } from '@platform/usage';

@Module({
  imports: [
    PlatformConfigModule.forApp('edge'),
    DatabaseModule,
    QueueModule,
    TenantStoreModule,
    EdgeModule,
    UsageMeteringModule,
  ],
})
export class EdgeAppModule {}
