import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@platform/config';
import { CounterModule } from '@platform/counter';
import { DatabaseModule } from '@platform/database';
import { TenantAuthModule } from '@platform/tenant-auth';
import { CounterController } from './counter.controller.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [PlatformConfigModule.forApp('counter'), DatabaseModule, TenantAuthModule, CounterModule],
  controllers: [HealthController, CounterController],
})
export class CounterAppModule {}
