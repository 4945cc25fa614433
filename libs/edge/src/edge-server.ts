import type { NestFastifyApplication } from '@nestjs/platform-fastify';

/**
 * The edge never parses bodies: it streams them to the workloads untouched, so large uploads pass
 * through in constant memory and keep their exact bytes.
 */
export function passBodiesThrough(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, _payload, done) => done(null));
}
