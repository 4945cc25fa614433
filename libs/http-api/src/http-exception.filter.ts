import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDependencyUnavailable, isDomainError } from '@platform/errors';
import { hasRequestBody } from './fast-path.js';
import { httpStatusOf, refusalHeadersOf } from './http-error.mapping.js';

export interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

/** Fastify's own errors for bad requests, answered with our error shape instead of its default. */
const FASTIFY_ERRORS: Record<string, { status: number; error: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, error: 'PayloadTooLarge' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, error: 'UnsupportedMediaType' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, error: 'ValidationFailed' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, error: 'ValidationFailed' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, error: 'ValidationFailed' },
};

interface FastifyError {
  code?: string;
  statusCode?: number;
  message?: string;
}

/** Nest's Fastify adapter wraps Fastify's client errors in an HttpException; the original is its cause. */
function fastifyErrorOf(exception: unknown): FastifyError {
  const cause = exception instanceof HttpException ? (exception.cause as FastifyError | undefined) : undefined;
  return cause?.code ? cause : (exception as FastifyError);
}

/** One place that turns any thrown error into `{ error, message, details }` and a status. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpError');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // A caller that hung up mid-request is not a server error, and there is no one left to answer.
    if (reply.raw.destroyed || reply.raw.socket?.destroyed) {
      this.logger.debug?.(`Client closed the connection: ${(exception as Error)?.message ?? String(exception)}`);
      return;
    }
    const { status, body } = this.toResponse(exception);
    if (status === 503) void reply.header('retry-after', '5');
    // A refusal of the caller (credential, scope or limits) before anyone read the body does not wait
    // for it: Node closes the socket once the answer is out, having read at most what already arrived.
    // Other refusals (a bad header of an authenticated caller) leave the body to the app's bounded
    // drain, so that the edge, still uploading, relays the answer instead of a reset connection.
    if (CALLER_REFUSALS.has(status) && hasUntouchedBody(reply.raw.req)) void reply.header('connection', 'close');
    if (isDomainError(exception)) {
      const authorization = host.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
      void reply.headers(refusalHeadersOf(exception.code, exception.details, authorization));
    } else if (status === 401) {
      void reply.headers(refusalHeadersOf('Unauthenticated', undefined, undefined));
    }
    void reply.status(status).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toResponse(exception: unknown): { status: number; body: ErrorBody } {
    if (isDomainError(exception)) {
      const body: ErrorBody = { error: exception.code, message: exception.message };
      if (exception.details !== undefined) body.details = exception.details;
      return { status: httpStatusOf(exception.code), body };
    }
    const fastifyError = fastifyErrorOf(exception);
    const known = fastifyError.code ? FASTIFY_ERRORS[fastifyError.code] : undefined;
    if (known) return { status: known.status, body: { error: known.error, message: fastifyError.message ?? '' } };
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return { status, body: { error: errorNameOf(status), message: messageOf(exception) } };
    }
    if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return {
        status: fastifyError.statusCode,
        body: { error: errorNameOf(fastifyError.statusCode), message: fastifyError.message ?? 'Bad request' },
      };
    }
    if (isDependencyUnavailable(exception)) {
      this.logger.warn(`Dependency unavailable: ${(exception as Error)?.message ?? String(exception)}`);
      return {
        status: 503,
        body: { error: 'DependencyUnavailable', message: 'A dependency of this service is unavailable; retry shortly' },
      };
    }
    const errorId = randomUUID();
    this.logger.error(`Unhandled error ${errorId}`, (exception as Error)?.stack ?? String(exception));
    return { status: 500, body: { error: 'InternalError', message: 'Unexpected error', details: { errorId } } };
  }
}

/** Who is calling, not what they sent: answered without reading the body. */
const CALLER_REFUSALS = new Set([401, 403, 429]);

function hasUntouchedBody(request: IncomingMessage): boolean {
  return hasRequestBody(request) && request.readableFlowing === null && !request.readableEnded;
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
}

function errorNameOf(status: number): string {
  const names: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthenticated',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    413: 'PayloadTooLarge',
    415: 'UnsupportedMediaType',
    429: 'TooManyRequests',
    503: 'ServiceUnavailable',
  };
  return names[status] ?? 'HttpError';
}
