import type { LoggerService, LogLevel } from '@nestjs/common';
import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import { currentLogContext } from './log-context.js';

const PINO_LEVELS: Record<LogLevel, pino.Level> = {
  fatal: 'fatal',
  error: 'error',
  warn: 'warn',
  log: 'info',
  debug: 'debug',
  verbose: 'trace',
};

// Credentials can arrive in headers or bodies; a log line never carries them.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'req.headers["x-platform-signature"]',
  '*.token',
  '*.key',
  '*.password',
  '*.secret',
];

/** JSON lines on stdout: one shape for Nest's own logs and Fastify's request logs. */
export function createPinoLogger(app: string, level: LogLevel): Logger {
  return pino({
    level: PINO_LEVELS[level],
    base: { app },
    redact: { paths: REDACT, censor: '[redacted]' },
    // The request id, tenant and job of the work in hand, and the active trace when tracing is on, on
    // every line, whoever writes it: logs of one onboarding can be found by tenant or joined to its trace.
    mixin: () => {
      const span = trace.getActiveSpan()?.spanContext();
      const traced = span && span.traceFlags ? { traceId: span.traceId, spanId: span.spanId } : {};
      return { ...currentLogContext(), ...traced };
    },
  });
}

/** Nest's LoggerService over pino, so `new Logger(Context)` lines are JSON too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, stackOrContext?: string, context?: string): void {
    const [stack, where] = context === undefined ? [undefined, stackOrContext] : [stackOrContext, context];
    this.logger.error({ context: where, stack }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }

  fatal(message: unknown, context?: string): void {
    this.logger.fatal({ context }, String(message));
  }
}
