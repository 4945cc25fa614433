import { type Context, context, propagation } from '@opentelemetry/api';

/**
 * The active trace as W3C headers, to carry across a queue or a proxy hop. Its own lib (needing only the
 * OpenTelemetry API) so that @platform/queue can stamp jobs without importing @platform/observability,
 * whose health check imports the queue's Redis connection.
 */
export function traceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context a carrier (job field or request headers) names, or the active one without a carrier. */
export function contextFromCarrier(carrier: Record<string, string | string[] | undefined> | undefined): Context {
  return carrier ? propagation.extract(context.active(), carrier) : context.active();
}
