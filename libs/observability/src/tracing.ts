import { type Attributes, type Context, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

export interface TracingSettings {
  /** OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); tracing is off without it. */
  otlpEndpoint?: string;
  serviceName?: string;
}

let provider: NodeTracerProvider | undefined;

/**
 * Registers a tracer for this process when an OTLP endpoint is configured. Without one, the
 * OpenTelemetry API stays a no-op, so the spans below cost next to nothing.
 */
export function startTracing(app: string, settings: TracingSettings): boolean {
  if (!settings.otlpEndpoint) return false;
  if (provider) return true;
  const url = `${settings.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': settings.serviceName ? `${settings.serviceName}-${app}` : app }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }), { scheduledDelayMillis: 500 })],
  });
  provider.register();
  return true;
}

export async function stopTracing(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}

const tracer = () => trace.getTracer('tenant-platform');

/** Runs `work` in a span (child of the active one, or of `parent`), recording failures on it. */
export function traced<T>(
  name: string,
  work: () => Promise<T>,
  attributes: Attributes = {},
  parent?: Context,
): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, parent ?? context.active(), async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind, context, trace };
/** Re-exported: the carrier lives in @platform/trace-context, below @platform/queue. */
export { contextFromCarrier, traceCarrier } from '@platform/trace-context';
