import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CountersService, MAX_COUNT, countQuerySchema, counterNameSchema } from '@platform/counter';
import { type FastPath, ZodPipe, hasRequestBody, requestIdOf } from '@platform/http-api';
import { type RequestWithCaller, TenantCallerGuard } from '@platform/tenant-auth';

const ROUTE = '/v1/counters/:name/next';
const nameOf = new ZodPipe(counterNameSchema, 'Counter name');
const queryOf = new ZodPipe(countQuerySchema, 'Query');

/**
 * `POST /v1/counters/:name/next` is the one hot path, so it is a plain Fastify route: Nest's
 * per-request pipeline (guards, pipes, param decorators) cost more than the work itself. It makes
 * the same checks with the same gate (admitted before its body is read) and schemas; errors still
 * go through the global filter.
 */
export function registerNextValueRoute(app: NestFastifyApplication): void {
  const counters = app.get(CountersService);
  const guard = app.get(TenantCallerGuard);
  app
    .getHttpAdapter()
    .getInstance()
    .post<{ Params: { name: string }; Querystring: Record<string, string> }>(ROUTE, async (request) => {
      const caller = (request as RequestWithCaller).tenantCaller ?? (await guard.admit('counter', request)).caller;
      return counters.next(caller, nameOf.transform(request.params.name), queryOf.transform(request.query));
    });
}

// Only the plain forms: a valid name, and at most `?count=` with digits. Anything else (encoded
// characters, other parameters, out-of-range counts) takes the full route and its validation.
const PLAIN_NEXT = /^\/v1\/counters\/([a-zA-Z0-9_.-]{1,64})\/next(?:\?count=([1-9][0-9]{0,4}))?$/;

/**
 * The same route answered before Fastify when everything it needs is in memory: the edge's
 * signature, an API key this replica checked recently, and values of a block it already leased.
 * The first call of a key or counter, every JWT and every refusal take the full route above.
 */
export function nextValueFastPath(app: NestFastifyApplication): FastPath {
  const counters = app.get(CountersService);
  const guard = app.get(TenantCallerGuard);
  return (request, response) => {
    if (request.method !== 'POST' || hasRequestBody(request)) return false;
    const match = PLAIN_NEXT.exec(request.url ?? '');
    if (!match) return false;
    const count = match[2] === undefined ? undefined : Number(match[2]);
    if (count !== undefined && count > MAX_COUNT) return false;
    const admission = guard.admitHeld('counter', request);
    if (!admission) return false;
    const answer = counters.nextHeld(admission.caller, match[1]!, { count });
    admission.release();
    if (!answer) return false;
    const body = JSON.stringify(answer);
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'x-request-id': requestIdOf(request),
    });
    response.end(body);
    return ROUTE;
  };
}
