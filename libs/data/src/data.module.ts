import { Module } from '@nestjs/common';
import { DataTablesRepository } from './data-tables.repository.js';
import { DataTenantsRepository } from './data-tenants.repository.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { IdempotentWrites } from './idempotent-writes.js';
import { IngestionQueue } from './ingestion.queue.js';
import { IngestionSweeper } from './ingestion.sweeper.js';
import { IngestionWorker } from './ingestion.worker.js';
import { IngestionsRepository } from './ingestions.repository.js';
import { IngestionsService } from './ingestions.service.js';
import { MeasurementsRepository } from './measurements.repository.js';
import { MeasurementsService } from './measurements.service.js';
import { RecordsRepository } from './records.repository.js';
import { RecordsService } from './records.service.js';
import { StatsCache } from './stats-cache.js';

/** The data workload's domain. Needs the global DatabaseModule and PlatformConfigModule in the app. */
@Module({
  providers: [
    DataTablesRepository,
    MeasurementsRepository,
    RecordsRepository,
    IngestionsRepository,
    StatsCache,
    IngestionQueue,
    MeasurementsService,
    RecordsService,
    IngestionsService,
    IngestionWorker,
    DataTenantsRepository,
    IngestionSweeper,
    IdempotencyRepository,
    IdempotentWrites,
  ],
  exports: [MeasurementsService, RecordsService, IngestionsService],
})
export class DataModule {}
