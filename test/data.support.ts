import type { StatsAnswerRow } from '@platform/data';
import { Stack } from './support/stack.js';

export interface Reading {
  source: string;
  metric: string;
  ts: string;
  value: number;
  tags?: Record<string, string>;
}

/** The API's own answer row: the test computes the same shape independently and compares. */
export type StatsRow = StatsAnswerRow;

export interface ErrorBody {
  error: string;
  message: string;
  details?: { line?: number; reason?: string };
}

export const NDJSON = { 'content-type': 'application/x-ndjson' };
export const JSON_BODY = { 'content-type': 'application/json' };

export function ndjson(rows: unknown[]): string {
  return rows.map((row) => JSON.stringify(row)).join('\n') + '\n';
}

/** Deterministic pseudo-random readings (a seeded LCG), so a failing run can be replayed. */
export function generateReadings(
  count: number,
  options: { seed?: number; sources?: string[]; metrics?: string[]; startMs?: number; spanMs?: number } = {},
): Reading[] {
  let state = options.seed ?? 42;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
  const sources = options.sources ?? ['park-north', 'park-south', 'solar-east'];
  const metrics = options.metrics ?? ['power_kw', 'wind_ms'];
  const startMs = options.startMs ?? Date.UTC(2026, 0, 30, 0, 0, 0);
  const spanMs = options.spanMs ?? 5 * 86_400_000;
  return Array.from({ length: count }, () => ({
    source: sources[Math.floor(random() * sources.length)]!,
    metric: metrics[Math.floor(random() * metrics.length)]!,
    ts: new Date(startMs + Math.floor(random() * spanMs)).toISOString(),
    value: Math.round((random() * 2_000 - 500) * 1_000) / 1_000,
  }));
}

const BUCKET_OF = {
  hour: (ts: string) => `${ts.slice(0, 13)}:00:00.000Z`,
  day: (ts: string) => `${ts.slice(0, 10)}T00:00:00.000Z`,
  month: (ts: string) => `${ts.slice(0, 7)}-01T00:00:00.000Z`,
};

/** The stats the API should answer, computed here independently of the service's SQL and rollups. */
export function expectedStats(
  readings: Reading[],
  groupBy: 'source' | 'metric' | 'source,metric',
  bucket: 'hour' | 'day' | 'month',
  range: { from?: string; to?: string } = {},
): StatsRow[] {
  const groups = new Map<string, StatsRow>();
  for (const reading of readings) {
    if (range.from && reading.ts < range.from) continue;
    if (range.to && reading.ts >= range.to) continue;
    const row: Omit<StatsRow, 'count' | 'sum' | 'avg' | 'min' | 'max'> = { bucket: BUCKET_OF[bucket](reading.ts) };
    if (groupBy.includes('source')) row.source = reading.source;
    if (groupBy.includes('metric')) row.metric = reading.metric;
    const key = JSON.stringify(row);
    const group = groups.get(key) ?? { ...row, count: 0, sum: 0, avg: 0, min: Infinity, max: -Infinity };
    group.count += 1;
    group.sum += reading.value;
    group.min = Math.min(group.min, reading.value);
    group.max = Math.max(group.max, reading.value);
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort((a, b) =>
    `${a.bucket}|${a.source ?? ''}|${a.metric ?? ''}`.localeCompare(`${b.bucket}|${b.source ?? ''}|${b.metric ?? ''}`),
  );
  return ordered.map((row) => ({ ...row, avg: row.sum / row.count }));
}

/** Float sums depend on addition order, so compare them with a relative tolerance. */
export function expectStatsClose(actual: StatsRow[], expected: StatsRow[]): void {
  expect(
    actual.map(({ bucket, source, metric, count, min, max }) => ({ bucket, source, metric, count, min, max })),
  ).toEqual(
    expected.map(({ bucket, source, metric, count, min, max }) => ({ bucket, source, metric, count, min, max })),
  );
  actual.forEach((row, index) => {
    expect(Math.abs(row.sum - expected[index]!.sum)).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected[index]!.sum)));
    expect(Math.abs(row.avg - expected[index]!.avg)).toBeLessThan(1e-6 * Math.max(1, Math.abs(expected[index]!.avg)));
  });
}

export async function countRows(stack: Stack, slug: string, table: 'measurements' | 'records'): Promise<number> {
  const rows = await stack.pg<{ count: string }>(
    `SELECT count(*)::text AS count FROM t_${slug.replaceAll('-', '_')}.${table}`,
  );
  return Number(rows[0]!.count);
}
