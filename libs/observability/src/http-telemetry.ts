import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { httpRequestDuration, httpRequests } from './metrics.js';

/**
 * Every answer is counted and timed by route template; server errors are logged with the request id
 * and the tenant (when the edge resolved one), other requests only at debug level so the hot path stays cheap.
 */
export function instrumentHttp(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', async (request, reply) => {
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) };
    httpRequests.inc(labels);
    httpRequestDuration.observe(labels, reply.elapsedTime / 1000);
    const line = {
      reqId: request.id,
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      host: request.headers.host,
      tenant: request.headers['x-platform-tenant-slug'],
    };
    if (reply.statusCode >= 500) logger.error(line, 'request failed');
    else logger.debug(line, 'request');
  });
}
