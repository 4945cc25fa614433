import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@platform/config';
import { DataModule } from '@platform/data';
import { DatabaseModule } from '@platform/database';
import { HealthEndpointsModule } from '@platform/observability';
import { TenantAuthModule } from '@platform/tenant-auth';
import { UsageMeteringModule } from '@platform/usage';
import { IngestionsController } from './ingestions.controller.js';
import { MeasurementsController } from './measurements.controller.js';
import { RecordsController } from './records.controller.js';

@Module({
  imports: [
    PlatformConfigModule.forApp('data-api'),
    DatabaseModule,
    HealthEndpointsModule,
    TenantAuthModule,
    DataModule,
    UsageMeteringModule,
  ],
  controllers: [MeasurementsController, RecordsController, IngestionsController],
})
export class DataApiModule {}
