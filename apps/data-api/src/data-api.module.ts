import { Module } from '@nestjs/common';
import { PlatformConfigModule } from '@platform/config';
import { DataApiController } from './data-api.controller.js';

@Module({ imports: [PlatformConfigModule.forApp('data-api')], controllers: [DataApiController] })
export class DataApiModule {}
