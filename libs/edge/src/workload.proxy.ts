import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'undici';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { traceCarrier } from '@platform/observability';
import { RouteResolver } from '@platform/routing';
import { signEdgeContext } from '@platform/tenant-auth';
import { type EdgeAnswer, jsonAnswer } from './edge-answer.js';

export type Workload = 'counter' | 'data';

// Hop-by-hop headers (RFC 9110 §7.6.1) and anything that could claim a tenant are never forwarded.
const DROPPED_REQUEST_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'host',
  'content-length',
]);
const SMALL_ANSWER_BYTES = 64 * 1024;
const DROPPED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

/** Forwards `/api/<workload>/*` to the workload app, with the resolved tenant signed into the headers. */
@Injectable()
export class WorkloadProxy implements OnModuleDestroy {
  private readonly pools: Record<Workload, Pool>;

  constructor(
    private readonly resolver: RouteResolver,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.pools = {
      counter: new Pool(config.edge.counterUrl, { connections: 128, pipelining: 1 }),
      data: new Pool(config.edge.dataApiUrl, { connections: 64, pipelining: 1 }),
    };
  }

  async forward(workload: Workload, request: FastifyRequest, reply: FastifyReply): Promise<EdgeAnswer | null> {
    const resolution = await this.resolver.resolve(request.headers.host);
    if (resolution.kind === 'not-ready') {
      return jsonAnswer(
        503,
        { error: 'TenantNotReady', message: 'This tenant is still being set up' },
        { 'retry-after': '5' },
      );
    }
    if (resolution.kind !== 'routed') {
      return jsonAnswer(404, { error: 'TenantNotFound', message: 'No tenant is served on this host' });
    }
    if (resolution.route.state === 'suspended') {
      return jsonAnswer(503, { error: 'TenantSuspended', message: 'This tenant is suspended' });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || DROPPED_REQUEST_HEADERS.has(name) || name.startsWith('x-platform-')) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    Object.assign(
      headers,
      signEdgeContext(this.config.edge.signingSecret, {
        tenantId: resolution.route.tenantId,
        tenantSlug: resolution.route.slug,
      }),
    );
    Object.assign(headers, traceCarrier());
    headers['x-forwarded-host'] = request.headers.host ?? '';
    headers['x-forwarded-for'] = request.ip;
    headers['x-request-id'] = request.id;
    const prefix = `/api/${workload}`;
    const path = request.url.slice(prefix.length) || '/';
    // No length and no chunked encoding means no body: forward none rather than an empty chunked stream.
    const hasBody =
      request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
    try {
      const upstream = await this.pools[workload].request({
        path: path.startsWith('/') ? path : `/${path}`,
        method: request.method as 'GET',
        headers,
        body: hasBody ? request.raw : null,
      });
      const responseHeaders: Record<string, string | string[]> = {};
      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) responseHeaders[name] = value;
      }
      // Small answers (every counter answer) are read whole: cheaper than piping a stream per request.
      const small = Number(upstream.headers['content-length']) <= SMALL_ANSWER_BYTES;
      const body = small ? Buffer.from(await upstream.body.arrayBuffer()) : upstream.body;
      void reply.status(upstream.statusCode).headers(responseHeaders).send(body);
      return null;
    } catch (error) {
      return jsonAnswer(502, {
        error: 'WorkloadUnavailable',
        message: `The ${workload} workload did not answer: ${(error as Error).message}`,
      });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(Object.values(this.pools).map((pool) => pool.close()));
  }
}
