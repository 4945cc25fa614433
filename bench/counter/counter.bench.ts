/**
 * One run, side by side on this machine: bare Fastify hello-world, the counter app called directly
 * (with headers signed as the edge would), and the counter through the edge on the tenant's host.
 * Each target runs in its own process; autocannon drives it from this one.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signEdgeContext } from '@platform/tenant-auth';
import { stopProcess, waitForHttp } from '../../scripts/platform-processes.js';
import { Stack, uniqueSlug } from '../../test/support/stack.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WARMUP_SECONDS = 2;

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
}

interface Figures {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(target: Target, seconds: number): Promise<Figures> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: target.headers,
    connections: CONNECTIONS,
    duration: seconds,
  });
  return {
    name: target.name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

async function measure(target: Target): Promise<Figures> {
  await load(target, WARMUP_SECONDS);
  return load(target, SECONDS);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startHelloWorld() {
  const port = await freePort();
  const entry = join(dirname(fileURLToPath(import.meta.url)), 'hello-world.server.js');
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, HELLO_PORT: String(port) },
    stdio: 'ignore',
  });
  await waitForHttp(`http://127.0.0.1:${port}/health`, 10_000).catch(() => undefined);
  return { child, url: `http://127.0.0.1:${port}/hello` };
}

const stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter'], { LOG_LEVEL: 'error' });
const hello = await startHelloWorld();
try {
  const slug = uniqueSlug('bench');
  const accepted = await stack.api<{ id: string }>('POST', '/v1/tenants', {
    body: { slug, displayName: slug, tier: 'business', branding: { primaryColor: '#336699' } },
  });
  await stack.waitForReady(slug);
  const { key } = (
    await stack.api<{ key: string }>('POST', `/v1/tenants/${slug}/api-keys`, { body: { name: 'bench' } })
  ).body;
  const authorization = `Bearer ${key}`;
  // The edge signature is fresh for 60 s; every run here is shorter than that.
  const signed = () =>
    signEdgeContext(stack.env.EDGE_SIGNING_SECRET!, { tenantId: accepted.body.id, tenantSlug: slug });

  const results: Figures[] = [];
  results.push(await measure({ name: 'fastify hello-world', url: hello.url, headers: {} }));
  results.push(
    await measure({
      name: 'counter direct',
      url: `http://127.0.0.1:${stack.env.COUNTER_PORT}/v1/counters/bench-direct/next`,
      headers: { authorization, ...signed() },
    }),
  );
  results.push(
    await measure({
      name: 'counter via edge',
      url: `${stack.edgeUrl}/api/counter/v1/counters/bench-edge/next`,
      headers: { authorization, host: `${slug}.localhost` },
    }),
  );

  const [reference, direct, edge] = results as [Figures, Figures, Figures];
  console.log(
    `counter benchmark: ${CONNECTIONS} connections, ${SECONDS} s each (after ${WARMUP_SECONDS} s warm-up), POST, 2 cores`,
  );
  for (const row of results) {
    console.log(
      `  ${row.name.padEnd(20)} ${row.requestsPerSecond.toFixed(0).padStart(7)} req/s   p50 ${String(row.p50).padStart(3)} ms   p99 ${String(row.p99).padStart(3)} ms   non-2xx ${row.non2xx}   errors ${row.errors}`,
    );
  }
  console.log(
    `  direct / hello-world    ${(direct.requestsPerSecond / reference.requestsPerSecond).toFixed(2)}x   (target ≥ 0.70)`,
  );
  console.log(
    `  edge / hello-world      ${(edge.requestsPerSecond / reference.requestsPerSecond).toFixed(2)}x   (target ≥ 0.50)`,
  );
  console.log(`  edge p99                ${edge.p99} ms   (target < 10 ms)`);
} finally {
  await stopProcess(hello.child);
  await stack.stop();
}
