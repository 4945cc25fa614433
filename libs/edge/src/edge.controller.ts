import { All, Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { HealthService, metricsRegistry } from '@platform/observability';
import { RouteResolver } from '@platform/routing';
import { type EdgeAnswer, htmlAnswer, jsonAnswer } from './edge-answer.js';
import { EdgePagesService } from './edge-pages.service.js';
import { WorkloadProxy } from './workload.proxy.js';

function write(reply: FastifyReply, answer: EdgeAnswer | null): void {
  if (!answer) return;
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
}

@Controller()
export class EdgeController {
  constructor(
    private readonly pages: EdgePagesService,
    private readonly proxy: WorkloadProxy,
    private readonly resolver: RouteResolver,
    private readonly health: HealthService,
  ) {}

  @Get()
  async landing(@Headers('host') host: string, @Headers('if-none-match') etag: string, @Res() reply: FastifyReply) {
    write(reply, await this.pages.landing(host, etag));
  }

  @Get('assets/:name')
  async asset(
    @Headers('host') host: string,
    @Param('name') name: string,
    @Headers('if-none-match') etag: string,
    @Res() reply: FastifyReply,
  ) {
    write(reply, await this.pages.asset(host, name, etag));
  }

  @All(['api/counter', 'api/counter/*'])
  async counter(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    write(reply, await this.proxy.forward('counter', request, reply));
  }

  @All(['api/data', 'api/data/*'])
  async data(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    write(reply, await this.proxy.forward('data', request, reply));
  }

  /** Probes and metrics answer on the platform's apex host only; a tenant's hostname never exposes them. */
  @Get(['health', 'ready', 'metrics'])
  async probes(@Headers('host') host: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    write(reply, await this.probe(host, request.url));
  }

  private async probe(host: string, url: string): Promise<EdgeAnswer> {
    if ((await this.resolver.resolve(host)).kind !== 'platform') return htmlAnswer(404, 'Not found');
    if (url.startsWith('/health')) return jsonAnswer(200, { status: 'ok' });
    if (url.startsWith('/metrics')) {
      return {
        status: 200,
        headers: { 'content-type': metricsRegistry.contentType },
        body: await metricsRegistry.metrics(),
      };
    }
    const readiness = await this.health.readiness();
    return jsonAnswer(readiness.status === 'ok' ? 200 : 503, readiness);
  }
}
