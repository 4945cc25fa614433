/**
 * A fleet on one machine: onboards N tenants (default 1,000, `--tenants N`) through the admin API in
 * bursts of 100 (after one burst of reads that warms the new process and its connections) and
 * prints, from one run, time to all Ready, the admin API's latency during the bursts, accept→Ready
 * of the first and last hundred, the counter spread over 200 tenants against one tenant (same
 * concurrency, interleaved rounds), what each tenant adds to Postgres, each app's RSS before and
 * after, and the time to offboard them all. Its own database and the tenants' roles
 * are dropped at the end (Stack.stop).
 */
import { loadavg } from 'node:os';
import { Stack, uniqueSlug } from '../../test/support/stack.js';
import {
  adminCaller,
  type CatalogFigures,
  type LoadFigures,
  type TenantKey,
  catalogFigures,
  counterLoad,
  cpuMs,
  median,
  percentile,
  residentMiB,
  tenantsFlag,
} from './fleet.bench.support.js';

const TENANTS = tenantsFlag(process.argv, 1_000);
const BURST = 100;
const SPREAD = Math.min(200, TENANTS);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const READY_TIMEOUT_MS = 15 * 60_000;

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
const ms = (value: number) => `${value.toFixed(0)} ms`;
const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;

interface BurstResults<T> {
  latencies: number[];
  /** Items whose call did not answer as expected, with the first answer of that kind. */
  failed: T[];
  firstFailure?: string;
}

/**
 * Sends the calls in bursts of BURST (a burst starts when the previous one has answered) and keeps
 * each call's latency. A failed call is counted, not thrown: under load the failures are a finding.
 */
async function inBursts<T>(items: T[], call: (item: T) => Promise<string | null>): Promise<BurstResults<T>> {
  const results: BurstResults<T> = { latencies: [], failed: [] };
  for (let start = 0; start < items.length; start += BURST) {
    await Promise.all(
      items.slice(start, start + BURST).map(async (item) => {
        const t0 = performance.now();
        const failure = await call(item);
        results.latencies.push(performance.now() - t0);
        if (failure === null) return;
        results.failed.push(item);
        results.firstFailure ??= failure;
      }),
    );
  }
  return results;
}

function failures(results: BurstResults<unknown>): string {
  return results.failed.length ? `; ${results.failed.length} failed, first: ${results.firstFailure}` : '';
}

async function waitForPhase(stack: Stack, phase: 'Ready' | 'Deleted', count: number): Promise<void> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  for (;;) {
    const [{ done }] = await stack.pg<{ done: number }>(
      `SELECT count(*)::int AS done FROM "Tenant" WHERE phase = $1 AND "observedGeneration" = generation`,
      [phase],
    );
    if (done >= count) return;
    if (performance.now() > deadline)
      throw new Error(`only ${done}/${count} ${phase} after ${seconds(READY_TIMEOUT_MS)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function acceptToReady(stack: Stack): Promise<{ first: number; last: number }> {
  const rows = await stack.pg<{ ms: number }>(
    `SELECT extract(epoch FROM (j."finishedAt" - t."createdAt")) * 1000 AS ms
       FROM "ProvisioningJob" j JOIN "Tenant" t ON t.id = j."tenantId"
      WHERE j.generation = 1 ORDER BY t."createdAt"`,
  );
  const values = rows.map((row) => Number(row.ms));
  return { first: median(values.slice(0, BURST)), last: median(values.slice(-BURST)) };
}

/** Medians of interleaved rounds, so background load on a shared machine hits both alike. */
async function counterSpread(stack: Stack, keys: TenantKey[]): Promise<{ one: LoadFigures; many: LoadFigures }> {
  const one = [keys[0]!];
  await counterLoad(stack.edgeUrl, one, CONNECTIONS, 2);
  await counterLoad(stack.edgeUrl, keys, CONNECTIONS, 2);
  const runs: { one: LoadFigures[]; many: LoadFigures[] } = { one: [], many: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.one.push(await counterLoad(stack.edgeUrl, one, CONNECTIONS, SECONDS));
    runs.many.push(await counterLoad(stack.edgeUrl, keys, CONNECTIONS, SECONDS));
  }
  const summary = (figures: LoadFigures[]): LoadFigures => ({
    requestsPerSecond: median(figures.map((figure) => figure.requestsPerSecond)),
    p99: median(figures.map((figure) => figure.p99)),
    non2xx: figures.reduce((sum, figure) => sum + figure.non2xx, 0),
  });
  return { one: summary(runs.one), many: summary(runs.many) };
}

/** One counter call and one measurement per tenant: each workload creates its tables on first use. */
async function useWorkloads(stack: Stack, keys: TenantKey[]): Promise<void> {
  for (const { slug, key } of keys) {
    const headers = { authorization: `Bearer ${key}` };
    const counted = await stack.edge(`${slug}.localhost`, '/api/counter/v1/counters/fleet/next', {
      method: 'POST',
      headers,
    });
    const stored = await stack.edge(`${slug}.localhost`, '/api/data/v1/measurements', {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify([{ source: 'fleet', metric: 'm', ts: new Date().toISOString(), value: 1 }]),
    });
    if (counted.status !== 200 || stored.status !== 200) {
      throw new Error(`workload calls answered ${counted.status} and ${stored.status}: ${stored.text}`);
    }
  }
}

function perTenant(before: CatalogFigures, after: CatalogFigures, tenants: number) {
  return {
    relations: (after.relations - before.relations) / tenants,
    catalogKiB: (after.catalogBytes - before.catalogBytes) / tenants / 1024,
    databaseKiB: (after.databaseBytes - before.databaseBytes) / tenants / 1024,
    roles: (after.roles - before.roles) / tenants,
  };
}

// One app after another: five node processes booting at once overrun the 30 s health wait on a busy machine.
const stack = await Stack.start(['control-plane'], { LOG_LEVEL: 'error' });
const admin = adminCaller(stack, BURST);
try {
  for (const app of ['provisioner', 'edge', 'counter', 'data-api'] as const) await stack.startApp(app);
  const loadAtStart = load();
  const rssBefore = await residentMiB(stack);
  const catalogBefore = await catalogFigures(stack);
  const requested = Array.from({ length: TENANTS }, () => uniqueSlug('fleet'));
  // The first calls of a new process run cold code on new connections: one burst of reads first, not
  // counted in the onboarding figures (printed on its own line).
  const warmUp = await inBursts(
    Array.from({ length: BURST }, (_, index) => index),
    async () => {
      const answer = await admin.call('GET', '/v1/tenants?limit=1');
      return answer.status === 200 ? null : `${answer.status} ${answer.text.slice(0, 200)}`;
    },
  );

  const cpuBefore = await cpuMs(stack);
  const clientCpuBefore = process.cpuUsage();
  const onboardingStarted = performance.now();
  const posts = await inBursts(requested, async (slug) => {
    const answer = await admin.call(
      'POST',
      '/v1/tenants',
      { slug, displayName: slug, tier: 'starter', branding: { primaryColor: '#336699' } },
      { 'idempotency-key': `fleet-${slug}` },
    );
    return answer.status === 202 ? null : `${answer.status} ${answer.text.slice(0, 200)}`;
  });
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const controlPlaneCpuMs = (await cpuMs(stack)).get('control-plane')! - cpuBefore.get('control-plane')!;
  const slugs = requested.filter((slug) => !posts.failed.includes(slug));
  await waitForPhase(stack, 'Ready', slugs.length);
  const allReadyMs = performance.now() - onboardingStarted;
  const readiness = await acceptToReady(stack);
  const catalogAfter = await catalogFigures(stack);
  const rssReady = await residentMiB(stack);

  const keys: TenantKey[] = [];
  for (const slug of slugs.slice(0, SPREAD)) {
    const answer = await stack.api<{ key: string }>('POST', `/v1/tenants/${slug}/api-keys`, {
      body: { name: 'fleet' },
    });
    if (answer.status !== 201) throw new Error(`POST api-keys answered ${answer.status}: ${answer.text}`);
    keys.push({ slug, key: answer.body.key });
  }
  await useWorkloads(stack, keys);
  const catalogUsed = await catalogFigures(stack);
  const counter = await counterSpread(stack, keys);
  const rssAfter = await residentMiB(stack);

  const offboardingStarted = performance.now();
  const deletes = await inBursts(slugs, async (slug) => {
    const answer = await admin.call('DELETE', `/v1/tenants/${slug}`);
    return answer.status === 202 ? null : `${answer.status} ${answer.text.slice(0, 200)}`;
  });
  await waitForPhase(stack, 'Deleted', slugs.length - deletes.failed.length);
  const offboardMs = performance.now() - offboardingStarted;
  const catalogGone = await catalogFigures(stack);

  const cost = perTenant(catalogBefore, catalogAfter, slugs.length);
  const used = perTenant(catalogAfter, catalogUsed, keys.length);
  console.log(`fleet benchmark: ${TENANTS} tenants in bursts of ${BURST}, local target, load average ${loadAtStart}`);
  console.log(`  all Ready after                  ${seconds(allReadyMs)}`);
  console.log(
    `  POST /v1/tenants during bursts   p50 ${ms(percentile(posts.latencies, 50))}   p99 ${ms(percentile(posts.latencies, 99))}   (target p99 < 250 ms${failures(posts)})`,
  );
  console.log(
    `  first burst, cold (not counted)  p50 ${ms(percentile(warmUp.latencies, 50))}   p99 ${ms(percentile(warmUp.latencies, 99))}   (${BURST} GET /v1/tenants?limit=1 on new connections, before the onboardings${failures(warmUp)})`,
  );
  console.log(
    `  CPU per POST                     ${(controlPlaneCpuMs / posts.latencies.length).toFixed(1)} ms in the control plane, ${((clientCpu.user + clientCpu.system) / 1000 / posts.latencies.length).toFixed(1)} ms in this client (same cores)`,
  );
  console.log(`  accept→Ready p50, first hundred  ${ms(readiness.first)}`);
  console.log(`  accept→Ready p50, last hundred   ${ms(readiness.last)}`);
  console.log(
    `  counter, 1 tenant's key          ${counter.one.requestsPerSecond.toFixed(0)} req/s   p99 ${counter.one.p99} ms   non-2xx ${counter.one.non2xx}`,
  );
  console.log(
    `  counter, ${SPREAD} tenants' keys       ${counter.many.requestsPerSecond.toFixed(0)} req/s   p99 ${counter.many.p99} ms   non-2xx ${counter.many.non2xx}`,
  );
  console.log(
    `  ratio ${SPREAD} tenants / 1 tenant     ${(counter.many.requestsPerSecond / counter.one.requestsPerSecond).toFixed(2)}x   (target ≥ 0.90; ${CONNECTIONS} connections, medians of ${ROUNDS} interleaved ${SECONDS} s rounds)`,
  );
  console.log(
    `  per tenant in Postgres           ${cost.relations.toFixed(1)} relations, ${cost.catalogKiB.toFixed(1)} KiB of system catalog, ${cost.databaseKiB.toFixed(1)} KiB of database, ${cost.roles.toFixed(1)} roles`,
  );
  console.log(
    `  more once both workloads are used ${used.relations.toFixed(1)} relations, ${used.catalogKiB.toFixed(1)} KiB of system catalog, ${used.databaseKiB.toFixed(1)} KiB of database (${keys.length} tenants, one counter call and one measurement each)`,
  );
  console.log(
    `  pg_class / catalog / database    ${catalogBefore.relations} → ${catalogAfter.relations}   ${(catalogBefore.catalogBytes / 2 ** 20).toFixed(1)} → ${(catalogAfter.catalogBytes / 2 ** 20).toFixed(1)} MiB   ${(catalogBefore.databaseBytes / 2 ** 20).toFixed(1)} → ${(catalogAfter.databaseBytes / 2 ** 20).toFixed(1)} MiB`,
  );
  console.log(
    `  pg_dump --schema-only            ${ms(catalogBefore.schemaDumpMs)} empty → ${ms(catalogAfter.schemaDumpMs)} with ${slugs.length} tenants → ${ms(catalogUsed.schemaDumpMs)} once ${keys.length} used both workloads`,
  );
  for (const [app, before] of rssBefore) {
    console.log(
      `  RSS ${app.padEnd(28)} ${before.toFixed(0)} → ${rssReady.get(app)!.toFixed(0)} MiB after onboarding, ${rssAfter.get(app)!.toFixed(0)} MiB after the counter load`,
    );
  }
  console.log(
    `  all offboarded after             ${seconds(offboardMs)}   (DELETE p50 ${ms(percentile(deletes.latencies, 50))}, p99 ${ms(percentile(deletes.latencies, 99))}${failures(deletes)}; pg_class back to ${catalogGone.relations}, roles ${catalogGone.roles - catalogBefore.roles} left)`,
  );
  console.log(`  load average at the end          ${load()}`);
} catch (error) {
  console.error(stack.logs.slice(-30).join('\n'));
  throw error;
} finally {
  try {
    await admin.close();
  } finally {
    await stack.stop();
  }
}
