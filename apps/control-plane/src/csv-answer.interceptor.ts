import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Observable, map } from 'rxjs';
import { toCsv } from '@platform/usage';

/** Answers `{ rows }` as CSV (header row first) when the caller asks for `text/csv`; JSON otherwise. */
export function CsvWhenAccepted(columns: readonly string[], filename: string) {
  @Injectable()
  class CsvAnswerInterceptor implements NestInterceptor {
    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      const http = context.switchToHttp();
      if (!/\btext\/csv\b/i.test(http.getRequest<FastifyRequest>().headers.accept ?? '')) return next.handle();
      return next.handle().pipe(
        map((answer: { rows: Record<string, string | number>[] }) => {
          void http
            .getResponse<FastifyReply>()
            .header('content-type', 'text/csv; charset=utf-8')
            .header('content-disposition', `attachment; filename="${filename}"`);
          return toCsv(answer.rows, columns);
        }),
      );
    }
  }
  return CsvAnswerInterceptor;
}
