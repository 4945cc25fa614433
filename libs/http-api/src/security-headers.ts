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

/** Headers no answer of ours should go without: no MIME sniffing, no framing, HSTS where asked. */
export function addSecurityHeaders(app: NestFastifyApplication, options: SecurityHeaderOptions): void {
  const hsts = options.hstsMaxAgeSeconds > 0 ? `max-age=${options.hstsMaxAgeSeconds}` : undefined;
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (_request, reply, payload) => {
      if (options.contentSecurityPolicy && !reply.hasHeader('content-security-policy')) {
        reply.header('content-security-policy', options.contentSecurityPolicy);
      }
      reply.header('x-content-type-options', 'nosniff');
      reply.header('x-frame-options', 'DENY');
      if (hsts) reply.header('strict-transport-security', hsts);
      return payload;
    });
}
