import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from '@platform/operator-auth';
import { metricsRegistry } from './metrics.js';

@ApiExcludeController()
@PublicRoute()
@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('content-type', metricsRegistry.contentType)
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
