import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'undici';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { Route } from '@platform/database';
import { hasRequestBody } from '@platform/http-api';
import { traceCarrier } from '@platform/observability';
import { type Resolution, RouteResolver } from '@platform/routing';
import { type Admission, EdgeContextSigner, TenantCallGate, type Workload } from '@platform/tenant-auth';
import { meterWorkloadRequest } from '@platform/usage';
import { type EdgeAnswer, jsonAnswer } from './edge-answer.js';

export type { Workload } from '@platform/tenant-auth';

/** Only the workloads' tenant API is relayed; their probes and metrics stay on their own ports. */
const RELAYED_PATH = /^\/v1\//;

/** What forwarding needs of a request, whether Fastify parsed it or the fast path took it raw. */
export interface InboundRequest {
  method: string;
  /** Path and query, without the `/api/<workload>` prefix. */
  path: string;
  headers: IncomingHttpHeaders;
  ip: string;
  id: string;
  body: IncomingMessage | null;
}

/** A workload's answer: small ones (every counter answer) read whole, large ones streamed. */
export type RelayedAnswer = Omit<EdgeAnswer, 'headers'> & {
  headers: Record<string, string | string[]>;
  stream?: Readable;
};

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

/**
 * Forwards `/api/<workload>/v1/*` to the workload app, with the resolved tenant signed into the
 * headers, once the call passed the tenant call gate (credential, scope, limits) and before any of
 * its body is read. One connection pool per workload, with no cap on connections and so no queue:
 * the gate admits at most a tenant's in-flight cap of its calls, so one tenant's hanging calls hold
 * at most that many connections and another tenant's call opens one of its own. (A pool per tenant
 * did the same, but with many tenants in use it kept opening and closing connections: 200 tenants'
 * keys ran the counter at 0.76x one tenant's.)
 */
@Injectable()
export class WorkloadProxy implements OnModuleDestroy {
  private readonly logger = new Logger(WorkloadProxy.name);
  private readonly pools: Record<Workload, Pool>;
  private readonly signer: EdgeContextSigner;
  /** A tenant's own edge (GKE): its load balancer sends workload calls straight to the workloads. */
  private readonly relays: boolean;

  constructor(
    private readonly resolver: RouteResolver,
    private readonly gate: TenantCallGate,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.relays = config.tenancy.mode === 'shared';
    this.signer = new EdgeContextSigner(config.edge.signingSecret);
    const options: Pool.Options = {
      connections: null,
      pipelining: 1,
      headersTimeout: config.edge.upstreamHeadersTimeoutMs,
      bodyTimeout: config.edge.upstreamBodyTimeoutMs,
    };
    this.pools = {
      counter: new Pool(config.edge.counterUrl, options),
      data: new Pool(config.edge.dataApiUrl, options),
    };
  }

  async forward(workload: Workload, request: FastifyRequest, reply: FastifyReply): Promise<EdgeAnswer | null> {
    if (!this.relays) return notServedHere(workload);
    const resolution = await this.resolver.resolve(request.headers.host);
    const route = routeOf(resolution);
    if (!route.ok) return route.answer;
    const path = request.url.slice(`/api/${workload}`.length);
    if (!RELAYED_PATH.test(path)) return notRelayed();
    const admission = await this.gate.admit(contextOf(route.route), {
      workload,
      method: request.method,
      authorization: request.headers.authorization,
    });
    const relayed = this.relay(workload, route.route, {
      method: request.method,
      path,
      headers: request.headers,
      ip: request.ip,
      id: request.id,
      // No length and no chunked encoding means no body: forward none rather than an empty chunked stream.
      body: hasRequestBody(request.raw) ? request.raw : null,
    });
    releaseWhenDone(reply.raw, relayed, admission.release);
    const answer = await relayed;
    meterWorkloadRequest({ tenantId: route.route.tenantId, tenantSlug: route.route.slug }, workload, answer.status);
    void reply
      .status(answer.status)
      .headers(answer.headers)
      .send(answer.stream ?? answer.body);
    return null;
  }

  /**
   * The tenant's route and the call's admission when this edge decides both from memory; undefined
   * when `forward` must (it answers every refusal).
   */
  admitHeld(workload: Workload, method: string, path: string, headers: IncomingHttpHeaders): HeldCall | undefined {
    if (!this.relays) return undefined;
    const resolution = this.resolver.resolveHeld(headers.host);
    const route = resolution && routeOf(resolution);
    if (!route?.ok || !RELAYED_PATH.test(path)) return undefined;
    const admission = this.gate.admitHeld(contextOf(route.route), {
      workload,
      method,
      authorization: headers.authorization,
    });
    return admission && { route: route.route, admission };
  }

  /** Sends the request on to the workload as the resolved tenant; a workload that fails to answer is a 502. */
  async relay(workload: Workload, route: Route, request: InboundRequest): Promise<RelayedAnswer> {
    const headers: Record<string, string> = {};
    for (const name in request.headers) {
      const value = request.headers[name];
      if (value === undefined || DROPPED_REQUEST_HEADERS.has(name) || name.startsWith('x-platform-')) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    Object.assign(headers, this.signer.headersFor({ tenantId: route.tenantId, tenantSlug: route.slug }));
    Object.assign(headers, traceCarrier());
    headers['x-forwarded-host'] = request.headers.host ?? '';
    headers['x-forwarded-for'] = request.ip;
    headers['x-request-id'] = request.id;
    try {
      const upstream = await this.pools[workload].request({
        path: request.path.startsWith('/') ? request.path : `/${request.path}`,
        method: request.method as 'GET',
        headers,
        body: request.body,
      });
      const responseHeaders: Record<string, string | string[]> = {};
      for (const name in upstream.headers) {
        const value = upstream.headers[name];
        if (value !== undefined && !DROPPED_RESPONSE_HEADERS.has(name)) responseHeaders[name] = value;
      }
      // Small answers are read whole: cheaper than piping a stream per request.
      if (Number(upstream.headers['content-length']) <= SMALL_ANSWER_BYTES) {
        const body = Buffer.from(await upstream.body.arrayBuffer());
        return { status: upstream.statusCode, headers: responseHeaders, body };
      }
      return { status: upstream.statusCode, headers: responseHeaders, stream: upstream.body };
    } catch (error) {
      // The upstream's address stays in the log: a caller learns nothing of the inside.
      this.logger.warn(`The ${workload} workload did not answer ${request.id}: ${(error as Error).message}`);
      return jsonAnswer(502, { error: 'WorkloadUnavailable', message: `The ${workload} workload did not answer` });
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(Object.values(this.pools).map((pool) => pool.close()));
  }
}

/**
 * Frees a tenant's in-flight slot once the caller's response has closed and the upstream call has
 * settled, not at the first of the two: a caller that leaves while its call still waits for the
 * workload would otherwise free the slot while the call holds an upstream connection, and callers
 * that time out and retry would open connections to the shared pool without bound.
 */
export function releaseWhenDone(response: ServerResponse, relayed: Promise<unknown>, release: () => void): void {
  let pending = 2;
  const done = () => {
    pending -= 1;
    if (pending === 0) release();
  };
  // A caller that left while the call was being admitted (its response already closed) hears no more 'close'.
  if (response.closed) done();
  else response.once('close', done);
  relayed.then(done, done);
}

export interface HeldCall {
  route: Route;
  admission: Admission;
}

function contextOf(route: Route): { tenantId: string; tenantSlug: string } {
  return { tenantId: route.tenantId, tenantSlug: route.slug };
}

/** A tenant's own edge relays nothing: on GKE its load balancer routes `/api/<workload>/*` to the workload. */
function notServedHere(workload: Workload): EdgeAnswer {
  return jsonAnswer(404, {
    error: 'NotFound',
    message: `This edge does not relay /api/${workload}: the tenant's load balancer routes it to the workload`,
  });
}

function notRelayed(): EdgeAnswer {
  return jsonAnswer(404, { error: 'NotFound', message: 'No such route on the tenant API' });
}

function routeOf(resolution: Resolution): { ok: true; route: Route } | { ok: false; answer: EdgeAnswer } {
  if (resolution.kind === 'not-ready') {
    const answer = jsonAnswer(
      503,
      { error: 'TenantNotReady', message: 'This tenant is still being set up' },
      { 'retry-after': '5' },
    );
    return { ok: false, answer };
  }
  if (resolution.kind !== 'routed') {
    return {
      ok: false,
      answer: jsonAnswer(404, { error: 'TenantNotFound', message: 'No tenant is served on this host' }),
    };
  }
  if (resolution.route.state === 'suspended') {
    return { ok: false, answer: jsonAnswer(503, { error: 'TenantSuspended', message: 'This tenant is suspended' }) };
  }
  return { ok: true, route: resolution.route };
}
