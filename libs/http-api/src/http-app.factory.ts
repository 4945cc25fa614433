import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { INestApplication, LogLevel, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyServerFactoryHandler } from 'fastify';
import {
  PinoNestLogger,
  type TracingSettings,
  createPinoLogger,
  instrumentHttp,
  metricsRegistry,
  recordHttpAnswer,
  startTracing,
  stopTracing,
} from '@platform/observability';
import type { FastPath } from './fast-path.js';
import { drainOnSignals } from './graceful-shutdown.js';
import { HttpExceptionFilter } from './http-exception.filter.js';

/** Every app states its HTTP server's timeouts (configuration `http`), so none runs on Node's defaults. */
export interface HttpTimeouts {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included. */
  requestTimeoutMs: number;
  /** A socket with nothing sent either way for this long is closed. */
  idleTimeoutMs: number;
  /** How long a keep-alive socket waits for its next request. */
  keepAliveTimeoutMs: number;
}

export interface HttpAppOptions {
  timeouts: HttpTimeouts;
  /** Names the app on every log line. */
  name?: string;
  bodyLimitBytes?: number;
  logLevel?: LogLevel;
  tracing?: TracingSettings;
  /**
   * Hot routes answered before Fastify, built once the app's providers exist. Left out while tracing
   * or debug logging is on, so every request then gets its span and log line from the full route.
   */
  fastPath?: (app: NestFastifyApplication) => FastPath;
  /** SHUTDOWN_DELAY_MS: how long a SIGTERM'd app keeps serving while unready before it drains. */
  shutdownDelayMs?: number;
  /** Told of every answer, from the fast path and from Fastify alike (the URL as received). */
  onAnswer?: (url: string, status: number) => void;
}

/** Every app is Nest on Fastify with the same error shape, request ids and graceful shutdown. */
export async function createHttpApp(module: Type<unknown>, options: HttpAppOptions): Promise<NestFastifyApplication> {
  let fastPath: FastPath | undefined;
  const { timeouts } = options;
  const adapter = new ClosingAwareAdapter({
    bodyLimit: options.bodyLimitBytes ?? 512 * 1024,
    // Fastify leaves timeouts to a server it did not create; they are set on it below, these name them.
    connectionTimeout: timeouts.idleTimeoutMs,
    keepAliveTimeout: timeouts.keepAliveTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    // The drain stops accepting before Nest closes anything, so a request that still arrives on an
    // open connection is served (with `Connection: close`), never refused with a 503.
    return503OnClosing: false,
    serverFactory: (fastify: FastifyServerFactoryHandler) => {
      const server = createServer(
        {
          headersTimeout: Math.min(timeouts.headersTimeoutMs, timeouts.requestTimeoutMs),
          requestTimeout: timeouts.requestTimeoutMs,
          keepAliveTimeout: timeouts.keepAliveTimeoutMs,
          // Node checks header and request timeouts only this often (30 s by default).
          connectionsCheckingInterval: 1_000,
        },
        (request, response) => {
          const startedAt = performance.now();
          const route = fastPath && !adapter.stopping ? fastPath(request, response) : false;
          if (route === false) return void fastify(request, response);
          const record = () => {
            options.onAnswer?.(request.url ?? '', response.statusCode);
            recordHttpAnswer(logger, {
              reqId: String(response.getHeader('x-request-id')),
              method: request.method ?? '',
              url: request.url ?? '',
              route,
              status: response.statusCode,
              ms: performance.now() - startedAt,
              host: request.headers.host,
            });
          };
          // An answer written at once (the counter's) is recorded at once; a relayed one when it is done.
          if (response.writableEnded) record();
          else response.once('finish', record);
        },
      );
      server.setTimeout(timeouts.idleTimeoutMs);
      server.on('connection', lingerBeforeClosing);
      return server;
    },
  });
  adapter.getInstance().addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (adapter.stopping) reply.header('connection', 'close');
  });
  const onAnswer = options.onAnswer;
  if (onAnswer)
    adapter.getInstance().addHook('onResponse', async (request, reply) => onAnswer(request.url, reply.statusCode));
  const name = options.name ?? module.name;
  const tracing = startTracing(name, options.tracing ?? {});
  metricsRegistry.setDefaultLabels({ app: name });
  const logger = createPinoLogger(name, options.logLevel ?? 'log');
  instrumentHttp(adapter.getInstance(), logger, tracing);
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { logger: new PinoNestLogger(logger) });
  app.useGlobalFilters(new HttpExceptionFilter());
  drainOnSignals(app, adapter, options.shutdownDelayMs ?? 0, logger);
  if (options.fastPath && !tracing && !logger.isLevelEnabled('debug')) fastPath = options.fastPath(app);
  process.once('beforeExit', () => void stopTracing());
  return app;
}

/** Once the server stops accepting, fast paths stand aside, so every answer then says `Connection: close`. */
class ClosingAwareAdapter extends FastifyAdapter {
  stopping = false;

  override beforeClose(): void {
    this.stopping = true;
    super.beforeClose();
  }
}

export async function listen(app: INestApplication, port: number, name: string): Promise<void> {
  await app.listen(port, '0.0.0.0');
  const address = await app.getUrl();
  console.log(`${name} listening on ${address.replace('[::1]', 'localhost').replace('0.0.0.0', 'localhost')}`);
}

/** How long a connection closed by us still takes (and drops) what the caller is sending. */
const LINGER_MS = 1_000;

/**
 * Closing a socket with request bytes still arriving makes the kernel answer them with a reset, which
 * can destroy our answer (a refusal before the body was read) before the caller reads it. So a close
 * ends our side, keeps dropping what arrives for at most LINGER_MS, then destroys the socket.
 */
function lingerBeforeClosing(socket: Socket): void {
  socket.destroySoon = function lingeringDestroySoon(this: Socket) {
    if (this.writable) this.end();
    if (this.destroyed) return;
    const timer = setTimeout(() => this.destroy(), LINGER_MS);
    timer.unref();
    this.once('close', () => clearTimeout(timer));
    this.once('end', () => this.destroy());
  };
}
