import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';
import { HealthService } from './health.service.js';
import { MetricsController } from './metrics.controller.js';

@Module({ providers: [HealthService], exports: [HealthService] })
export class HealthModule {}

/** `/health`, `/ready` and `/metrics` for apps that answer them on any host. */
@Module({ imports: [HealthModule], controllers: [HealthController, MetricsController] })
export class HealthEndpointsModule {}
