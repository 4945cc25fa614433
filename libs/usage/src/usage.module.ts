import { Module } from '@nestjs/common';
import { StoredBytesSampler } from './stored-bytes.sampler.js';
import { TenantUsageCollector } from './tenant-usage.collector.js';
import { TenantUsageRepository } from './tenant-usage.repository.js';
import { UsageFlusher } from './usage.flusher.js';
import { UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

/** Writes this process's usage meter; every app that meters something imports it. */
@Module({
  providers: [UsageRepository, TenantUsageRepository, UsageFlusher],
  exports: [UsageRepository, TenantUsageRepository, UsageFlusher],
})
export class UsageMeteringModule {}

/** The control plane's side: the usage API, the daily stored-bytes sample and collection from tenants' schemas (needs TenancyModule). */
@Module({
  imports: [UsageMeteringModule],
  providers: [UsageService, StoredBytesSampler, TenantUsageCollector],
  exports: [UsageService],
})
export class UsageModule {}
