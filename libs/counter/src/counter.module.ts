import { Module } from '@nestjs/common';
import { CounterLeases } from './counter-leases.js';
import { CountersRepository } from './counters.repository.js';
import { CountersService } from './counters.service.js';

/** Needs the global DatabaseModule and PlatformConfigModule in the app. */
@Module({ providers: [CountersRepository, CounterLeases, CountersService], exports: [CountersService] })
export class CounterModule {}
