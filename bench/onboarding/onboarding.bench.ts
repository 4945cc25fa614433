/**
 * Onboards 100 tenants at once through the admin API and reports how long until all are Ready,
 * accept→Ready percentiles (server timestamps), and admin API latency under that load against
 * the same requests on the idle platform (the reference, measured in this run).
 */
import { Stack, uniqueSlug } from '../../test/support/stack.js';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 100);

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function timedGets(stack: Stack, until: () => boolean, minimum = 0): Promise<number[]> {
  const latencies: number[] = [];
  while (!until() || latencies.length < minimum) {
    const started = performance.now();
    const answer = await stack.api('GET', '/v1/tenants?limit=50');
    if (answer.status !== 200) throw new Error(`GET /v1/tenants answered ${answer.status}`);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

const stack = await Stack.start(['control-plane', 'provisioner', 'edge'], { LOG_LEVEL: 'error' });
try {
  const idle = await timedGets(stack, () => true, 200);

  const slugs = Array.from({ length: TENANTS }, () => uniqueSlug('bench'));
  let done = false;
  const started = performance.now();
  const underLoad = timedGets(stack, () => done);
  const posts = await Promise.all(
    slugs.map(async (slug) => {
      const t0 = performance.now();
      const answer = await stack.api('POST', '/v1/tenants', {
        body: { slug, displayName: slug, tier: 'starter', branding: { primaryColor: '#336699' } },
      });
      if (answer.status !== 202) throw new Error(`POST answered ${answer.status}: ${answer.text}`);
      return performance.now() - t0;
    }),
  );
  for (;;) {
    const [{ ready }] = await stack.pg<{ ready: number }>(
      `SELECT count(*)::int AS ready FROM "Tenant" WHERE phase = 'Ready' AND "observedGeneration" = generation`,
    );
    if (ready >= TENANTS) break;
    if (performance.now() - started > 120_000) throw new Error(`only ${ready}/${TENANTS} Ready after 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const allReadyMs = performance.now() - started;
  done = true;
  const loaded = await underLoad;
  const rows = await stack.pg<{ ms: number }>(
    `SELECT extract(epoch FROM (j."finishedAt" - t."createdAt")) * 1000 AS ms
       FROM "ProvisioningJob" j JOIN "Tenant" t ON t.id = j."tenantId" WHERE j.generation = 1`,
  );
  const acceptToReady = rows.map((row) => Number(row.ms));
  const idleP99 = percentile(idle, 99);
  const loadedP99 = percentile([...loaded, ...posts], 99);

  console.log(`onboarding benchmark: ${TENANTS} tenants, concurrently, local target, 2 cores`);
  console.log(`  all Ready after            ${(allReadyMs / 1000).toFixed(2)} s   (target < 30 s)`);
  console.log(
    `  accept→Ready p50 / p95     ${percentile(acceptToReady, 50).toFixed(0)} ms / ${percentile(acceptToReady, 95).toFixed(0)} ms`,
  );
  console.log(`  POST /v1/tenants p99       ${percentile(posts, 99).toFixed(1)} ms`);
  console.log(`  admin API p99 idle (ref)   ${idleP99.toFixed(1)} ms   (${idle.length} GETs)`);
  console.log(
    `  admin API p99 under load   ${loadedP99.toFixed(1)} ms   (${loaded.length} GETs + ${posts.length} POSTs)`,
  );
  console.log(`  ratio under load / idle    ${(loadedP99 / idleP99).toFixed(2)}x`);
} finally {
  await stack.stop();
}
