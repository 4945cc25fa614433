import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from '@platform/operator-auth';
import { HealthService, type Readiness } from './health.service.js';

@ApiExcludeController()
@PublicRoute()
@Controller()
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('health')
  liveness(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async readiness(@Res({ passthrough: true }) reply: FastifyReply): Promise<Readiness> {
    return this.health.readiness().then((readiness) => {
      void reply.status(readiness.status === 'ok' ? 200 : 503);
      return readiness;
    });
  }
}
