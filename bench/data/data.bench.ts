/**
 * Data workload benchmark, one run, ratios against references measured in the same run:
 * - BENCH_ROWS (default 1,000,000) readings as one NDJSON stream through the edge, beside
 *   `psql \copy` of the same rows into a same-shaped table (same database, same indexes);
 * - stats p99 over those rows (groupBy=source&bucket=day), uncached and cached;
 * - single-row ingest p99;
 * - a BENCH_IMPORT_MB (default 200) MB object file streamed into records, with the data-api
 *   process's peak RSS (VmHWM) before and after.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { REDIS_URL, Stack } from '../../test/support/stack.js';
import {
  type BenchTenant,
  call,
  closeClients,
  currentRssMiB,
  onboard,
  peakRssMiB,
  percentile,
  writePortsFile,
  writeReadings,
} from './data.bench.support.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const IMPORT_MB = Number(process.env.BENCH_IMPORT_MB ?? 200);
const STATS_SAMPLES = Number(process.env.BENCH_STATS_SAMPLES ?? 1_000);
const SINGLE_SAMPLES = Number(process.env.BENCH_SINGLE_SAMPLES ?? 500);
const WARM_UP = 500;

const dir = await mkdtemp(join(tmpdir(), 'data-bench-'));
// Production intervals: the test stack's 1 s reconcile loop would add its own blips to the latencies.
const stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'data-api'], {
  LOG_LEVEL: 'error',
  RECONCILE_INTERVAL_MS: '15000',
});
const redis = new Redis(REDIS_URL);
try {
  const tenant = await onboard(stack, 'dbench');
  const schema = `t_${tenant.slug.replaceAll('-', '_')}`;
  const ndjsonPath = join(dir, 'readings.ndjson');
  const copyPath = join(dir, 'readings.tsv');
  await writeReadings(ROWS, ndjsonPath, copyPath);
  const ndjsonMiB = (await stat(ndjsonPath)).size / 1024 / 1024;

  // First call creates the tenant's tables, so the reference table can copy their shape.
  await call(stack, tenant, 'GET', '/api/data/v1/measurements?limit=1');

  let started = performance.now();
  const ingest = await call(stack, tenant, 'POST', '/api/data/v1/measurements', {
    contentType: 'application/x-ndjson',
    data: createReadStream(ndjsonPath),
  });
  const apiMs = performance.now() - started;
  if (ingest.status !== 200) throw new Error(`ingest answered ${ingest.status}: ${ingest.text}`);

  await stack.pg(`CREATE TABLE public.bench_copy (LIKE ${schema}.measurements INCLUDING ALL)`);
  started = performance.now();
  execFileSync('psql', [
    stack.env.DATABASE_URL!,
    '-q',
    '-c',
    `\\copy public.bench_copy (source, metric, ts, value, tags) FROM '${copyPath}'`,
  ]);
  const copyMs = performance.now() - started;

  const uncached = await statsLatencies(stack, tenant, true);
  const cached = await statsLatencies(stack, tenant, false);
  const single = await singleRowLatencies(stack, tenant);

  const importResult = await importBench(stack, tenant, join(dir, 'ports.json'));

  const apiRate = ROWS / (apiMs / 1000);
  const copyRate = ROWS / (copyMs / 1000);
  console.log(
    `data benchmark: ${ROWS.toLocaleString('en')} readings (${ndjsonMiB.toFixed(0)} MiB NDJSON), one run, ${process.env.HOSTNAME ?? 'this box'}`,
  );
  console.log(
    `  ingest via edge (NDJSON, COPY)   ${(apiMs / 1000).toFixed(2)} s  ${Math.round(apiRate).toLocaleString('en')} rows/s`,
  );
  console.log(
    `  psql \\copy same rows (ref)       ${(copyMs / 1000).toFixed(2)} s  ${Math.round(copyRate).toLocaleString('en')} rows/s`,
  );
  console.log(`  ratio API / \\copy                ${(apiRate / copyRate).toFixed(2)}x   (target >= 0.5x)`);
  console.log(
    `  stats groupBy=source&bucket=day  p99 uncached ${percentile(uncached, 99).toFixed(1)} ms (target < 50), cached ${percentile(cached, 99).toFixed(1)} ms (target < 5)   [p50 ${percentile(uncached, 50).toFixed(1)} / ${percentile(cached, 50).toFixed(1)} ms]`,
  );
  console.log(
    `  single-row ingest                p99 ${percentile(single, 99).toFixed(1)} ms (target < 50)   [p50 ${percentile(single, 50).toFixed(1)} ms, ${single.length} requests]`,
  );
  console.log(
    `  import ${importResult.mib.toFixed(0)} MiB object file        ${importResult.records.toLocaleString('en')} records in ${(importResult.ms / 1000).toFixed(1)} s (${(importResult.mib / (importResult.ms / 1000)).toFixed(1)} MiB/s); data-api peak RSS ${importResult.peakBefore.toFixed(0)} MiB before, ${importResult.peakAfter.toFixed(0)} MiB after (RSS at start of import ${importResult.rssBefore.toFixed(0)} MiB)`,
  );
} finally {
  await closeClients();
  redis.disconnect();
  await stack.stop();
  await rm(dir, { recursive: true, force: true });
}

/**
 * Uncached: the tenant's cached answers are deleted (outside the timing) before each call. The
 * first 500 calls are a warm-up and not counted (JIT, and the garbage the 1M-row ingest left).
 */
async function statsLatencies(stack: Stack, tenant: BenchTenant, bustCache: boolean): Promise<number[]> {
  const latencies: number[] = [];
  const cacheKeys = `${stack.env.QUEUE_PREFIX}:data:stats:${tenant.tenantId}:a:*`;
  for (let i = -WARM_UP; i < STATS_SAMPLES; i += 1) {
    if (bustCache) {
      const keys = await redis.keys(cacheKeys);
      if (keys.length) await redis.del(...keys);
    }
    const started = performance.now();
    const answer = await call(stack, tenant, 'GET', '/api/data/v1/measurements/stats?groupBy=source&bucket=day');
    if (i >= 0) latencies.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`stats answered ${answer.status}: ${answer.text}`);
    const { cached } = JSON.parse(answer.text) as { cached: boolean };
    if (i >= 0 && cached === bustCache) throw new Error('cache state not as intended');
  }
  return latencies;
}

async function singleRowLatencies(stack: Stack, tenant: BenchTenant): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < SINGLE_SAMPLES; i += 1) {
    const row = {
      source: 'single',
      metric: 'power_kw',
      ts: new Date(Date.UTC(2026, 6, 1) + i * 1_000).toISOString(),
      value: i,
    };
    const started = performance.now();
    const answer = await call(stack, tenant, 'POST', '/api/data/v1/measurements', {
      contentType: 'application/json',
      data: JSON.stringify([row]),
    });
    latencies.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`single ingest answered ${answer.status}: ${answer.text}`);
  }
  return latencies;
}

async function importBench(stack: Stack, tenant: BenchTenant, path: string) {
  const records = await writePortsFile(path, IMPORT_MB);
  const mib = (await stat(path)).size / 1024 / 1024;
  const pid = stack.processes.get('data-api')!.pid!;
  const peakBefore = await peakRssMiB(pid);
  const rssBefore = await currentRssMiB(pid);
  const started = performance.now();
  const answer = await call(stack, tenant, 'POST', '/api/data/v1/collections/ports/import', {
    contentType: 'application/json',
    data: createReadStream(path),
  });
  const ms = performance.now() - started;
  if (answer.status !== 200) throw new Error(`import answered ${answer.status}: ${answer.text}`);
  return { records, mib, ms, peakBefore, rssBefore, peakAfter: await peakRssMiB(pid) };
}
