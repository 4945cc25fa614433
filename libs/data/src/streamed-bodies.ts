import type { ExecutionContext } from '@nestjs/common';
import { createParamDecorator } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { IncomingMessage as Readable } from 'node:http';
import type { FastifyRequest } from 'fastify';
import { IDEMPOTENCY_KEY } from '@platform/database';
import { DomainError } from '@platform/errors';
import { type RequestBody, drainBody } from './request-body.js';

/** How long a refusal may keep reading the rest of a body before it answers anyway. */
export const DRAIN_MAX_MS = 250;
/** How long, after such an answer, the rest of the body is still read (and dropped) before the connection is cut. */
export const DISCARD_MAX_MS = 10_000;

function discardRest(stream: Readable, maxBytes: number, maxMs: number): void {
  if (stream.readableEnded || stream.destroyed) return;
  let size = 0;
  const cut = () => stream.socket.destroy();
  const timer = setTimeout(cut, maxMs);
  // Past maxBytes, reading stops (the sender is held back by TCP) until the timer cuts the connection:
  // cutting it at once would reset the edge's upload before it relays the answer already sent.
  stream.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) stream.pause();
  });
  stream.once('close', () => clearTimeout(timer));
  stream.resume();
}

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
  // Past DRAIN_MAX_MS the answer goes out anyway, the rest is discarded as it comes (up to
  // `drainLimitBytes`), and the connection is closed after DISCARD_MAX_MS.
  fastify.addHook('onSend', async (request, reply, payload) => {
    const hasBody =
      request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
    // A refusal that closes the connection (the caller was refused before its body was touched) reads none.
    if (
      hasBody &&
      reply.getHeader('connection') !== 'close' &&
      !(await drainBody(request.raw, drainLimitBytes, DRAIN_MAX_MS))
    ) {
      reply.raw.once('finish', () => discardRest(request.raw, drainLimitBytes, DISCARD_MAX_MS));
    }
    return payload;
  });
}

/** The request's body as a stream, with its `Idempotency-Key` (1-200 visible ASCII characters) bound to its method and URL. */
export const StreamedBody = createParamDecorator((_: unknown, context: ExecutionContext): RequestBody => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const key = request.headers['idempotency-key'];
  const body: RequestBody = { contentType: request.headers['content-type'], stream: request.raw };
  if (key === undefined) return body;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new DomainError('ValidationFailed', 'Idempotency-Key must be 1-200 visible ASCII characters', [
      { field: 'Idempotency-Key', reason: 'invalid' },
    ]);
  }
  return { ...body, idempotency: { key, route: `${request.method} ${request.url}` } };
});
