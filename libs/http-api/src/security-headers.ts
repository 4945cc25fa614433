import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * What no page of ours (Swagger UI at /docs, the queue dashboard, anything the edge answers without
 * a stricter policy of its own) may do: be framed by another site, post a form elsewhere, or move
 * its base URL. Script and style sources are left to the bundled UIs, whose code we do not write.
 */
export const BASE_CONTENT_SECURITY_POLICY = "frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

export interface SecurityHeaderOptions {
  /** Sent on every answer Fastify writes that does not carry a policy of its own (the edge's pages do). */
  contentSecurityPolicy?: string;
  /** `Strict-Transport-Security: max-age=<this>` when above 0: only where TLS ends at the platform. */
  hstsMaxAgeSeconds: number;
}

/**
 * Headers no answer of ours should go without: no MIME sniffing, no framing, HSTS where asked. They
 * are set on the raw response before anything answers it, so fast paths (which answer before
 * Fastify) carry them exactly as full routes do; an answer with a policy of its own (the edge's
 * pages) replaces the default CSP, since headers written with the answer take precedence.
 */
export function addSecurityHeaders(app: NestFastifyApplication, options: SecurityHeaderOptions): void {
  const headers: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
  ];
  if (options.contentSecurityPolicy) headers.push(['content-security-policy', options.contentSecurityPolicy]);
  if (options.hstsMaxAgeSeconds > 0)
    headers.push(['strict-transport-security', `max-age=${options.hstsMaxAgeSeconds}`]);
  const server = app.getHttpServer() as Server;
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    for (const [name, value] of headers) response.setHeader(name, value);
  });
}
