import { Global, Module } from '@nestjs/common';
import { IdempotencyRecordsRepository } from '@platform/database';
import { ProvisioningJobsRepository } from './provisioning-jobs.repository.js';
import { TenantsRepository } from './tenants.repository.js';
import { TenantsService } from './tenants.service.js';

/** Read and record tenant state: for the worker and the edge. */
@Global()
@Module({
  providers: [TenantsRepository, ProvisioningJobsRepository],
  exports: [TenantsRepository, ProvisioningJobsRepository],
})
export class TenantStoreModule {}

/** The admin API's use cases over tenants (needs the queue and the audit log). */
@Global()
@Module({
  imports: [TenantStoreModule],
  providers: [IdempotencyRecordsRepository, TenantsService],
  exports: [TenantsService],
})
export class TenancyModule {}
