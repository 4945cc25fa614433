import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@platform/config';
import { DataModule } from '@platform/data';
import { DatabaseModule } from '@platform/database';
import { TenantAuthModule } from '@platform/tenant-auth';
import { HealthController } from './health.controller.js';
import { IngestionsController } from './ingestions.controller.js';
import { MeasurementsController } from './measurements.controller.js';
import { RecordsController } from './records.controller.js';

@Module({
  imports: [PlatformConfigModule.forApp('data-api'), DatabaseModule, TenantAuthModule, DataModule],
  controllers: [HealthController, MeasurementsController, RecordsController, IngestionsController],
})
export class DataApiModule {}
