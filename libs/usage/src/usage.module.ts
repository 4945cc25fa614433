import { Module } from '@nestjs/common';
import { StoredBytesSampler } from './stored-bytes.sampler.js';
import { UsageFlusher } from './usage.flusher.js';
import { UsageRepository } from './usage.repository.js';
import { UsageService } from './usage.service.js';

/** Writes this process's usage meter; every app that meters something imports it. */
@Module({ providers: [UsageRepository, UsageFlusher], exports: [UsageRepository, UsageFlusher] })
export class UsageMeteringModule {}

/** The control plane's side: the usage API and the daily stored-bytes sample (needs TenancyModule). */
@Module({ imports: [UsageMeteringModule], providers: [UsageService, StoredBytesSampler], exports: [UsageService] })
export class UsageModule {}
