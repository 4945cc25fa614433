import type { Span } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { httpRequestDuration, httpRequests } from './metrics.js';
import { runWithLogContext } from './log-context.js';
import { SpanKind, context, contextFromCarrier, trace } from './tracing.js';

const spans = new WeakMap<FastifyRequest, Span>();

/**
 * Every request gets a server span (continuing the caller's `traceparent`) and is counted and timed
 * by route template. Server errors are logged with request id, tenant and trace id; other requests
 * only at debug level, so the hot path stays cheap.
 */
export function instrumentHttp(fastify: FastifyInstance, logger: Logger, tracing: boolean): void {
  // Whoever learns the tenant adds it: the edge once it has resolved the host, workloads once the
  // edge's signature is verified.
  fastify.addHook('onRequest', (request, _reply, done) => runWithLogContext({ reqId: request.id }, done));
  // The rest of the request runs inside the span's context, so spans made further down (queue,
  // provisioning, Postgres) join the same trace. Without tracing the hook is not there at all:
  // the counter's hot path pays nothing for it.
  if (tracing)
    fastify.addHook('onRequest', (request, _reply, done) => {
      const parent = contextFromCarrier(request.headers);
      const span = trace.getTracer('tenant-platform').startSpan(
        `${request.method} ${request.routeOptions.url ?? 'unmatched'}`,
        {
          kind: SpanKind.SERVER,
          attributes: { 'http.request.method': request.method, 'url.path': request.url.split('?')[0] },
        },
        parent,
      );
      spans.set(request, span);
      context.with(trace.setSpan(parent, span), done);
    });

  fastify.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    span?.setAttribute('http.response.status_code', reply.statusCode);
    span?.end();
    const log = () =>
      recordHttpAnswer(logger, {
        reqId: request.id,
        method: request.method,
        url: request.url,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: reply.elapsedTime,
        host: request.headers.host,
      });
    if (span) context.with(trace.setSpan(context.active(), span), log);
    else log();
  });
}

export interface HttpAnswer {
  reqId: string;
  method: string;
  url: string;
  /** The route template, never the raw path, so metric series stay bounded. */
  route: string;
  status: number;
  ms: number;
  host: string | undefined;
}

/**
 * Counts and times an answer by route template; logs it when it failed (5xx), or at debug level.
 * Fastify's answers come through `instrumentHttp`; answers written before Fastify (fast paths) call
 * it directly.
 */
export function recordHttpAnswer(logger: Logger, answer: HttpAnswer): void {
  const labels = { method: answer.method, route: answer.route, status: String(answer.status) };
  httpRequests.inc(labels);
  httpRequestDuration.observe(labels, answer.ms / 1000);
  const failed = answer.status >= 500;
  if (!failed && !logger.isLevelEnabled('debug')) return;
  const { route: _route, ...line } = { ...answer, ms: Math.round(answer.ms * 10) / 10 };
  if (failed) logger.error(line, 'request failed');
  else logger.debug(line, 'request');
}
