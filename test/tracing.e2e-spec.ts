import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import { Stack, freePorts, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
}

interface OtlpExport {
  resourceSpans: {
    resource: { attributes: { key: string; value: { stringValue?: string } }[] };
    scopeSpans: { spans: { name: string; traceId: string }[] }[];
  }[];
}

/** A minimal OTLP/HTTP (JSON) collector: what Jaeger or an OpenTelemetry Collector would receive. */
async function startCollector(port: number): Promise<{ server: Server; spans: ReceivedSpan[] }> {
  const spans: ReceivedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
      for (const resource of body.resourceSpans) {
        const service =
          resource.resource.attributes.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
        for (const scope of resource.scopeSpans) {
          for (const span of scope.spans) {
            const traceId = /^[0-9a-f]{32}$/.test(span.traceId)
              ? span.traceId
              : Buffer.from(span.traceId, 'base64').toString('hex');
            spans.push({ service, name: span.name, traceId });
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, spans };
}

describe('Tracing an onboarding across apps (OTLP)', () => {
  it('puts the request, the queued job, the worker and each provisioning step in one trace', async () => {
    const [port] = await freePorts(1);
    const collector = await startCollector(port!);
    const stack = await Stack.start(['control-plane', 'provisioner', 'edge'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    try {
      const traceId = randomBytes(16).toString('hex');
      const slug = uniqueSlug('traced');
      const accepted = await stack.api('POST', '/v1/tenants', {
        body: aTenant({ slug }),
        headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
      });
      expect(accepted.status).toBe(202);
      await stack.waitForReady(slug);

      const expected = [
        'control-plane: POST /v1/tenants',
        'provisioner: provision tenant',
        'provisioner: local.converge',
        'provisioner: assets.write',
        'provisioner: postgres: schema, role and routes',
      ];
      const names = () =>
        collector.spans.filter((span) => span.traceId === traceId).map((span) => `${span.service}: ${span.name}`);
      const deadline = Date.now() + 10_000;
      while (!expected.every((name) => names().includes(name)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(names()).toEqual(expect.arrayContaining(expected));
    } finally {
      await stack.stop();
      collector.server.close();
    }
  }, 90_000);
});
