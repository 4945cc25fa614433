import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { CountersService, countQuerySchema, counterNameSchema } from '@platform/counter';
import { ZodPipe } from '@platform/http-api';
import { TenantCallerGuard } from '@platform/tenant-auth';

const nameOf = new ZodPipe(counterNameSchema, 'Counter name');
const queryOf = new ZodPipe(countQuerySchema, 'Query');

/**
 * `POST /v1/counters/:name/next` is the one hot path, so it is a plain Fastify route: Nest's
 * per-request pipeline (guards, pipes, param decorators) cost more than the work itself. It makes
 * the same checks with the same guard and schemas; errors still go through the global filter.
 */
export function registerNextValueRoute(app: NestFastifyApplication): void {
  const counters = app.get(CountersService);
  const guard = app.get(TenantCallerGuard);
  app
    .getHttpAdapter()
    .getInstance()
    .post<{ Params: { name: string }; Querystring: Record<string, string> }>(
      '/v1/counters/:name/next',
      async (request) => {
        const caller = await guard.callerOf(request.headers);
        return counters.next(caller, nameOf.transform(request.params.name), queryOf.transform(request.query));
      },
    );
}
