import { AsyncLocalStorage } from 'node:async_hooks';

/** What every log line of one request or job should carry, whoever writes the line. */
export interface LogContext {
  reqId?: string;
  tenantId?: string;
  jobId?: string;
}

const store = new AsyncLocalStorage<LogContext>();

export function runWithLogContext<T>(context: LogContext, work: () => T): T {
  return store.run(context, work);
}

/** Adds to the current request's or job's context, e.g. once the edge has resolved the tenant. */
export function addToLogContext(fields: LogContext): void {
  const current = store.getStore();
  if (current) Object.assign(current, fields);
}

export function currentLogContext(): LogContext | undefined {
  return store.getStore();
}
