import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import {
  type ErrorBody,
  NDJSON,
  type Reading,
  type StatsRow,
  expectStatsClose,
  expectedStats,
  generateReadings,
  ndjson,
} from './data.support.js';
import { Stack } from './support/stack.js';

const SOURCES = ['park-north', 'park-south', 'solar-east'];
const METRICS = ['energy_kwh', 'power_kw', 'wind_ms'];

describe('Stats and readings narrowed by source and metric', () => {
  let stack: Stack;
  let tenant: TenantWithKey;
  let caller: CallerConnection;
  const readings: Reading[] = generateReadings(3_000, { seed: 7, sources: SOURCES, metrics: METRICS });
  const only = (sources: string[], metrics: string[]) =>
    readings.filter((reading) => sources.includes(reading.source) && metrics.includes(reading.metric));
  const stats = (query: string) =>
    caller.request<{ rows: StatsRow[]; cached: boolean } & ErrorBody>(`/api/data/v1/measurements/stats?${query}`);

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'data-api']);
    tenant = await onboardWithKey(stack, 'dfilter');
    caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
    const stored = await caller.request<{ accepted: number }>('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson(readings),
    });
    expect(stored).toEqual({ status: 200, body: { accepted: readings.length } });
  }, 120_000);

  afterAll(async () => {
    await caller.close();
    await stack.stop();
  });

  it("answers one park's energy per day, matching values computed independently", async () => {
    const answer = await stats('groupBy=source&bucket=day&source=park-north&metric=energy_kwh');
    expect(answer.status).toBe(200);
    expect(answer.body.rows.length).toBeGreaterThan(0);
    expectStatsClose(answer.body.rows, expectedStats(only(['park-north'], ['energy_kwh']), 'source', 'day'));
  });

  it('takes comma-separated and repeated lists, and partial hours at both ends', async () => {
    const range = { from: '2026-01-31T10:20:00.000Z', to: '2026-02-02T13:05:00.000Z' };
    const answer = await stats(
      `groupBy=source,metric&bucket=hour&source=park-north,solar-east&metric=power_kw&metric=wind_ms&from=${range.from}&to=${range.to}`,
    );
    expect(answer.status).toBe(200);
    expectStatsClose(
      answer.body.rows,
      expectedStats(only(['park-north', 'solar-east'], ['power_kw', 'wind_ms']), 'source,metric', 'hour', range),
    );
  });

  it('caches each filter apart: a cached answer for one filter is never served for another', async () => {
    const north = 'groupBy=metric&bucket=month&source=park-north';
    const south = 'groupBy=metric&bucket=month&source=park-south';
    await stats(north);
    expect((await stats(north)).body.cached).toBe(true);
    const other = await stats(south);
    expect(other.body.cached).toBe(false);
    expectStatsClose(other.body.rows, expectedStats(only(['park-south'], METRICS), 'metric', 'month'));
    // The same names in another order are the same query.
    await stats('groupBy=metric&bucket=month&source=park-north,park-south');
    expect((await stats('groupBy=metric&bucket=month&source=park-south,park-north')).body.cached).toBe(true);
  });

  it('narrows the readings list to the named sources and metrics', async () => {
    const expected = only(['park-north', 'park-south'], ['wind_ms']);
    const items: Reading[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: Reading[]; nextCursor: string | null } } = await caller.request(
        `/api/data/v1/measurements?source=park-north,park-south&metric=wind_ms&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(items).toHaveLength(expected.length);
    expect(new Set(items.map((item) => `${item.source}/${item.metric}`))).toEqual(
      new Set(
        ['park-north/wind_ms', 'park-south/wind_ms'].filter((series) =>
          expected.some((r) => `${r.source}/${r.metric}` === series),
        ),
      ),
    );
  });

  it.each([
    ['an empty name', 'source='],
    ['an empty name in a list', 'metric=power_kw,,wind_ms'],
    ['more than 50 names', `source=${Array.from({ length: 51 }, (_, index) => `s${index}`).join(',')}`],
    ['a name over 200 characters', `metric=${'m'.repeat(201)}`],
    ['U+0000 in a name', 'source=park%00'],
  ])('refuses %s with a 400 naming the parameter', async (_name, filter) => {
    for (const path of [
      `/api/data/v1/measurements/stats?groupBy=source&bucket=day&${filter}`,
      `/api/data/v1/measurements?${filter}`,
    ]) {
      const answer = await caller.request<ErrorBody & { details: { field: string }[] }>(path);
      expect(answer.status).toBe(400);
      expect(answer.body.error).toBe('ValidationFailed');
      expect(JSON.stringify(answer.body.details)).toMatch(/source|metric/);
    }
  });
});
