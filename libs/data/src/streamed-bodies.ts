import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { type RequestBody, drainBody } from './request-body.js';

/**
 * The data API reads every body itself, as a stream: NDJSON and imports can be far larger than
 * memory, and JSON arrays get their own size limit. Fastify is told not to parse anything.
 */
export function streamRequestBodies(app: NestFastifyApplication, drainLimitBytes: number): void {
  const adapter = app.getHttpAdapter();
  // Nest adds its JSON and form parsers at init; they would drain the request before we read it.
  adapter.registerParserMiddleware = () => undefined;
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
  // A refusal (bad row, bad key, no credential) can come before the body was read. Reading the
  // rest first lets the edge, still uploading, receive the answer instead of a reset connection.
  // A refusal that closes the connection (the caller was refused before its body was touched) reads none.
  fastify.addHook('onSend', async (request, reply, payload) => {
    const hasBody =
      request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
    if (hasBody && reply.getHeader('connection') !== 'close') await drainBody(request.raw, drainLimitBytes);
    return payload;
  });
}

export const StreamedBody = createParamDecorator((_: unknown, context: ExecutionContext): RequestBody => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { contentType: request.headers['content-type'], stream: request.raw };
});
