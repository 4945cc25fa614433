import { randomUUID } from 'node:crypto';
import type { INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  PinoNestLogger,
  type TracingSettings,
  createPinoLogger,
  instrumentHttp,
  metricsRegistry,
  startTracing,
  stopTracing,
} from '@platform/observability';
import { HttpExceptionFilter } from './http-exception.filter.js';

export interface HttpAppOptions {
  /** Names the app on every log line. */
  name?: string;
  bodyLimitBytes?: number;
  logLevel?: LogLevel;
  tracing?: TracingSettings;
}

/** Every app is Nest on Fastify with the same error shape, request ids and graceful shutdown. */
export async function createHttpApp(
  module: Type<unknown>,
  options: HttpAppOptions = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimitBytes ?? 512 * 1024,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
  });
  adapter.getInstance().addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  const name = options.name ?? module.name;
  const tracing = startTracing(name, options.tracing ?? {});
  metricsRegistry.setDefaultLabels({ app: name });
  const logger = createPinoLogger(name, options.logLevel ?? 'log');
  instrumentHttp(adapter.getInstance(), logger, tracing);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { logger: new PinoNestLogger(logger) });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  process.once('beforeExit', () => void stopTracing());
  return app;
}

export async function listen(app: INestApplication, port: number, name: string): Promise<void> {
  await app.listen(port, '0.0.0.0');
  const address = await app.getUrl();
  console.log(`${name} listening on ${address.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost')}`);
}
