import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';

@Module({ providers: [HealthService], exports: [HealthService] })
export class HealthModule {}

/** `/health` and `/ready` for apps that answer them on any host. */
@Module({ imports: [HealthModule], controllers: [HealthController] })
export class HealthEndpointsModule {}
