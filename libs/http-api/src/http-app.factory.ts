import { randomUUID } from 'node:crypto';
import type { INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpExceptionFilter } from './http-exception.filter.js';

export interface HttpAppOptions {
  bodyLimitBytes?: number;
  logLevel?: LogLevel;
}

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Every app is Nest on Fastify with the same error shape, request ids and graceful shutdown. */
export async function createHttpApp(module: Type<unknown>, options: HttpAppOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 512 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });
  adapter.getInstance().addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const level = options.logLevel ?? 'log';
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, {
    logger: LEVELS.slice(0, LEVELS.indexOf(level) + 1),
  });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  return app;
}

export async function listen(app: INestApplication, port: number, name: string): Promise<void> {
  await app.listen(port, '0.0.0.0');
  const address = await app.getUrl();
  console.log(`${name} listening on ${address.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost')}`);
}
