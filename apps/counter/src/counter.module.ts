import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@platform/config';
import { CounterModule } from '@platform/counter';
import { DatabaseModule } from '@platform/database';
import { HealthEndpointsModule } from '@platform/observability';
import { TenantAuthModule } from '@platform/tenant-auth';
import { UsageMeteringModule } from '@platform/usage';
import { CounterController } from './counter.controller.js';

@Module({
  imports: [
    PlatformConfigModule.forApp('counter'),
    DatabaseModule,
    TenantAuthModule,
    CounterModule,
    HealthEndpointsModule,
    UsageMeteringModule,
  ],
  controllers: [CounterController],
})
export class CounterAppModule {}
