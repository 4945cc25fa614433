import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@platform/config';
import { CounterController } from './counter.controller.js';

@Module({ imports: [PlatformConfigModule.forApp('counter')], controllers: [CounterController] })
export class CounterModule {}
