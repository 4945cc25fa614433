import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A route answered before Fastify sees the request, for hot paths. It takes a request only when it
 * can answer it exactly as the full route would, and then returns the route template it answered
 * for (metrics and logs use it). Otherwise it writes nothing and returns false, and the request
 * takes the full route, which gives every refusal and error its answer.
 */
export type FastPath = (request: IncomingMessage, response: ServerResponse) => string | false;

/** Whether a request carries a body (a declared length above zero, or a chunked one). */
export function hasRequestBody(request: IncomingMessage): boolean {
  return request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
}

/** The caller's `x-request-id`, as Fastify takes it (`requestIdHeader`), or a new one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' ? given : randomUUID();
}
