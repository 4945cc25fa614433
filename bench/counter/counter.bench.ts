/**
 * One run, side by side on this machine: bare Fastify hello-world, the counter app called directly
 * (with headers signed as the edge would), a bare Node proxy in front of the hello-world (the
 * ceiling for any extra hop here), and the counter through the edge on the tenant's host, once
 * with the per-tenant limits on (as deployed) and once through a second edge with them off, so
 * the limits' cost is a ratio from the same run.
 * Each target runs in its own process; autocannon drives it from this one.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { signEdgeContext } from '@platform/tenant-auth';
import { spawnApp, stopProcess, waitForHttp } from '../../scripts/platform-processes.js';
import { Stack, freePorts, uniqueSlug } from '../../test/support/stack.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = 2;

interface Target {
  name: string;
  url: string;
  /** Built per run, so the direct runs always carry a fresh edge signature (valid 60 s). */
  headers: () => Record<string, string>;
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
    headers: target.headers(),
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The targets take turns, round after round, and each figure is the median of its rounds: on a
 * shared 2-core machine, background load shifts between runs, and interleaving spreads it evenly.
 */
async function measure(targets: Target[]): Promise<Figures[]> {
  for (const target of targets) await load(target, WARMUP_SECONDS);
  const rounds: Figures[][] = targets.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, target] of targets.entries()) rounds[index]!.push(await load(target, SECONDS));
  }
  return rounds.map((runs, index) => ({
    name: targets[index]!.name,
    requestsPerSecond: median(runs.map((run) => run.requestsPerSecond)),
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
  }));
}

/** A reference server of this folder in its own process, answering `/health` once it is up. */
async function startReference(file: string, env: (port: number) => Record<string, string>) {
  const [port] = await freePorts(1);
  const child = spawn(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), file)], {
    env: { ...process.env, ...env(port!) },
    stdio: 'ignore',
  });
  await waitForHttp(`http://127.0.0.1:${port}/health`, 10_000);
  return { child, origin: `http://127.0.0.1:${port}` };
}

const stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter'], { LOG_LEVEL: 'error' });
const hello = await startReference('hello-world.server.js', (port) => ({ HELLO_PORT: String(port) }));
const proxy = await startReference('bare-proxy.server.js', (port) => ({
  PROXY_PORT: String(port),
  UPSTREAM_URL: hello.origin,
}));
const [unlimitedEdgePort] = await freePorts(1);
const unlimitedEdge = spawnApp('edge', {
  env: { ...stack.env, EDGE_PORT: String(unlimitedEdgePort), EDGE_TENANT_LIMITS: 'off' },
});
await waitForHttp(`http://127.0.0.1:${unlimitedEdgePort}/health`, 30_000, { host: 'localhost' });
try {
  const slug = uniqueSlug('bench');
  // Limits far above what this machine serves: every call passes the limiter, none is refused.
  const accepted = await stack.api<{ id: string }>('POST', '/v1/tenants', {
    body: {
      slug,
      displayName: slug,
      tier: 'business',
      branding: { primaryColor: '#336699' },
      limits: { requestsPerSecond: 1_000_000, burst: 1_000_000 },
    },
  });
  await stack.waitForReady(slug);
  const { key } = (
    await stack.api<{ key: string }>('POST', `/v1/tenants/${slug}/api-keys`, { body: { name: 'bench' } })
  ).body;
  const authorization = `Bearer ${key}`;
  const signed = () =>
    signEdgeContext(stack.env.EDGE_SIGNING_SECRET!, { tenantId: accepted.body.id, tenantSlug: slug });

  const results = await measure([
    { name: 'fastify hello-world', url: `${hello.origin}/hello`, headers: () => ({}) },
    {
      name: 'counter direct',
      url: `http://127.0.0.1:${stack.env.COUNTER_PORT}/v1/counters/bench-direct/next`,
      headers: () => ({ authorization, ...signed() }),
    },
    { name: 'bare proxy → hello', url: `${proxy.origin}/hello`, headers: () => ({}) },
    {
      name: 'counter via edge',
      url: `${stack.edgeUrl}/api/counter/v1/counters/bench-edge/next`,
      headers: () => ({ authorization, host: `${slug}.localhost` }),
    },
    {
      name: 'edge, limits off',
      url: `http://127.0.0.1:${unlimitedEdgePort}/api/counter/v1/counters/bench-edge/next`,
      headers: () => ({ authorization, host: `${slug}.localhost` }),
    },
  ]);

  const [reference, direct, bareProxy, edge, edgeUnlimited] = results as [Figures, Figures, Figures, Figures, Figures];
  const loadAverage = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  console.log(
    `counter benchmark: ${CONNECTIONS} connections, POST, medians of ${ROUNDS} interleaved ${SECONDS} s rounds (after ${WARMUP_SECONDS} s warm-up), load average ${loadAverage}`,
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
  console.log(
    `  bare proxy / hello-world ${(bareProxy.requestsPerSecond / reference.requestsPerSecond).toFixed(2)}x   (the most any separate proxy process reached here)`,
  );
  console.log(
    `  edge / bare proxy       ${(edge.requestsPerSecond / bareProxy.requestsPerSecond).toFixed(2)}x   (what the edge's own work costs)`,
  );
  console.log(`  edge p99                ${edge.p99} ms   (target < 10 ms)`);
  console.log(
    `  limits on / off         ${(edge.requestsPerSecond / edgeUnlimited.requestsPerSecond).toFixed(2)}x   (the per-tenant limits' cost; target ≥ 0.95)`,
  );
} finally {
  await stopProcess(unlimitedEdge);
  await stopProcess(proxy.child);
  await stopProcess(hello.child);
  await stack.stop();
}
