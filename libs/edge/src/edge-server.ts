import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The edge never parses bodies: it streams them to the workloads untouched, so large uploads pass
 * through in constant memory and keep their exact bytes.
 */
export function passBodiesThrough(app: NestFastifyApplication): void {
  const adapter = app.getHttpAdapter();
  // Nest adds JSON and form parsers at init; they would drain the request stream before it is forwarded.
  adapter.registerParserMiddleware = () => undefined;
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
}
