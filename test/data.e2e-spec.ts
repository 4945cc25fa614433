import { randomBytes, randomUUID } from 'node:crypto';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import {
  type ErrorBody,
  JSON_BODY,
  NDJSON,
  type Reading,
  type StatsRow,
  countRows,
  expectStatsClose,
  expectedStats,
  generateReadings,
  ndjson,
} from './data.support.js';
import { Stack } from './support/stack.js';

interface StatsAnswer {
  rows: StatsRow[];
  cached: boolean;
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface RecordView {
  key: string;
  data: unknown;
  updatedAt: string;
}

describe('Data API', () => {
  let stack: Stack;
  let a: TenantWithKey;
  let b: TenantWithKey;
  let callerA: CallerConnection;
  let callerB: CallerConnection;

  beforeAll(async () => {
    // A short sweep so the lost-job test sees its ingestion picked up again quickly.
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'data-api'], { DATA_INGESTION_SWEEP_MS: '500' });
    [a, b] = await Promise.all([onboardWithKey(stack, 'data-a'), onboardWithKey(stack, 'data-b')]);
    callerA = new CallerConnection(stack.edgeUrl, a.host, a.key);
    callerB = new CallerConnection(stack.edgeUrl, b.host, b.key);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([callerA?.close(), callerB?.close()]);
    await stack?.stop();
  });

  const post = (caller: CallerConnection, rows: unknown[], headers = NDJSON) =>
    caller.request<{ accepted: number } & ErrorBody>('/api/data/v1/measurements', {
      method: 'POST',
      headers,
      body: headers === NDJSON ? ndjson(rows) : JSON.stringify(rows),
    });

  describe('measurements', () => {
    it('stores a JSON array and an NDJSON batch, and lists them by series with a cursor', async () => {
      const rows: Reading[] = [
        { source: 'rt-park', metric: 'power_kw', ts: '2025-03-01T10:00:00Z', value: 1.5, tags: { turbine: 't1' } },
        { source: 'rt-park', metric: 'power_kw', ts: '2025-03-01T10:05:00+01:00', value: -2 },
        { source: 'rt-park', metric: 'wind_ms', ts: '2025-03-01T10:10:00Z', value: 7.25 },
      ];
      expect(await post(callerA, rows.slice(0, 2), JSON_BODY)).toEqual({ status: 200, body: { accepted: 2 } });
      expect(await post(callerA, rows.slice(2), NDJSON)).toEqual({ status: 200, body: { accepted: 1 } });

      const first = await callerA.request<Page<Reading>>('/api/data/v1/measurements?source=rt-park&limit=2');
      expect(first.status).toBe(200);
      expect(first.body.items).toEqual([
        { source: 'rt-park', metric: 'power_kw', ts: '2025-03-01T09:05:00.000Z', value: -2 },
        { source: 'rt-park', metric: 'power_kw', ts: '2025-03-01T10:00:00.000Z', value: 1.5, tags: { turbine: 't1' } },
      ]);
      const second = await callerA.request<Page<Reading>>(
        `/api/data/v1/measurements?source=rt-park&limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(second.body).toEqual({
        items: [{ source: 'rt-park', metric: 'wind_ms', ts: '2025-03-01T10:10:00.000Z', value: 7.25 }],
        nextCursor: null,
      });
      const windOnly = await callerA.request<Page<Reading>>(
        '/api/data/v1/measurements?source=rt-park&metric=wind_ms&from=2025-03-01T10:10:00Z',
      );
      expect(windOnly.body.items).toHaveLength(1);
    });

    it('answers stats that match values computed independently over a few thousand readings', async () => {
      const readings = generateReadings(4_000, { seed: 7 });
      expect((await post(callerA, readings)).body).toEqual({ accepted: 4_000 });
      const cases = [
        { groupBy: 'source', bucket: 'day', range: {} },
        {
          groupBy: 'metric',
          bucket: 'hour',
          range: { from: '2026-01-31T05:17:00.000Z', to: '2026-02-02T13:45:30.000Z' },
        },
        {
          groupBy: 'source,metric',
          bucket: 'month',
          range: { from: '2026-01-30T00:00:00.000Z', to: '2026-02-03T00:00:00.000Z' },
        },
        {
          groupBy: 'source',
          bucket: 'hour',
          range: { from: '2026-02-01T10:20:00.000Z', to: '2026-02-01T10:40:00.000Z' },
        },
        {
          groupBy: 'source,metric',
          bucket: 'day',
          range: { from: '2026-02-01T10:20:00.000Z', to: '2026-02-01T11:40:00.000Z' },
        },
      ] as const;
      for (const { groupBy, bucket, range } of cases) {
        const query = new URLSearchParams({ groupBy, bucket, ...range });
        const answer = await callerA.request<StatsAnswer>(`/api/data/v1/measurements/stats?${query}`);
        expect(answer.status).toBe(200);
        // Tenant A also holds other tests' readings (2025, 2027-2029, 2100-); the generated ones are all in 2026.
        const actual = answer.body.rows.filter((row) => row.bucket.startsWith('2026'));
        expectStatsClose(actual, expectedStats(readings, groupBy, bucket, range));
      }
    });

    it('serves stats from the cache and drops them when ingestion lands in their range', async () => {
      const base = generateReadings(300, {
        seed: 11,
        sources: ['cache-park'],
        startMs: Date.UTC(2027, 5, 1),
        spanMs: 86_400_000,
      });
      await post(callerA, base);
      const ranged =
        '/api/data/v1/measurements/stats?groupBy=source&bucket=day&from=2027-06-01T00:00:00Z&to=2027-06-02T00:00:00Z';
      const elsewhere =
        '/api/data/v1/measurements/stats?groupBy=source&bucket=day&from=2030-01-01T00:00:00Z&to=2030-01-02T00:00:00Z';
      expect((await callerA.request<StatsAnswer>(ranged)).body.cached).toBe(false);
      expect((await callerA.request<StatsAnswer>(elsewhere)).body.cached).toBe(false);
      const cached = await callerA.request<StatsAnswer>(ranged);
      expect(cached.body.cached).toBe(true);
      expect(cached.body.rows).toEqual([expect.objectContaining({ source: 'cache-park', count: 300 })]);

      await post(callerA, [{ source: 'cache-park', metric: 'power_kw', ts: '2027-06-01T12:00:00Z', value: 1_000_000 }]);
      const fresh = await callerA.request<StatsAnswer>(ranged);
      expect(fresh.body.cached).toBe(false);
      expect(fresh.body.rows).toEqual([expect.objectContaining({ source: 'cache-park', count: 301, max: 1_000_000 })]);
      // A range the batch did not touch keeps its cached answer.
      expect((await callerA.request<StatsAnswer>(elsewhere)).body.cached).toBe(true);
    });

    it('stores concurrent batches over the same series and hours, all counted once', async () => {
      const batches = [1, 2, 3, 4].map((seed) =>
        generateReadings(1_500, { seed, sources: ['busy-park'], startMs: Date.UTC(2029, 0, 1), spanMs: 6 * 3_600_000 }),
      );
      const answers = await Promise.all(batches.map((batch) => post(callerA, batch)));
      expect(answers.map((answer) => answer.body)).toEqual(batches.map(() => ({ accepted: 1_500 })));
      const stats = await callerA.request<StatsAnswer>(
        '/api/data/v1/measurements/stats?groupBy=source,metric&bucket=hour&from=2029-01-01T00:00:00Z',
      );
      expectStatsClose(stats.body.rows, expectedStats(batches.flat(), 'source,metric', 'hour'));
    });

    it('refuses stats that would exceed 50,000 rows, and answers the same range by day', async () => {
      const hourly = Array.from({ length: 50_001 }, (_, hour) => ({
        source: 'hourly-park',
        metric: 'power_kw',
        ts: new Date(Date.UTC(2100, 0, 1) + hour * 3_600_000).toISOString(),
        value: 1,
      }));
      expect((await post(callerA, hourly)).body).toEqual({ accepted: 50_001 });
      const range = 'from=2100-01-01T00:00:00Z&to=2107-01-01T00:00:00Z';
      const hours = await callerA.request<ErrorBody>(
        `/api/data/v1/measurements/stats?groupBy=source&bucket=hour&${range}`,
      );
      expect(hours).toMatchObject({ status: 400, body: { error: 'ValidationFailed' } });
      const days = await callerA.request<StatsAnswer>(
        `/api/data/v1/measurements/stats?groupBy=source&bucket=day&${range}`,
      );
      expect(days.body.rows.reduce((total, row) => total + row.count, 0)).toBe(50_001);
    });

    it('stores nothing from a batch with one bad row, and names its line', async () => {
      const before = await countRows(stack, a.slug, 'measurements');
      const rows: unknown[] = generateReadings(5_000, { seed: 3 });
      rows.splice(4_321, 0, { source: 'bad', metric: 'power_kw', ts: '2026-01-01T00:00:00Z', value: 'high' });
      const answer = await post(callerA, rows);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({
        error: 'ValidationFailed',
        details: { line: 4_322, reason: expect.stringContaining('value') },
      });
      const asArray = await post(callerA, rows, JSON_BODY);
      expect(asArray.body.details).toMatchObject({ line: 4_322 });
      expect(await countRows(stack, a.slug, 'measurements')).toBe(before);
    });
  });

  describe('async ingestion', () => {
    interface IngestionView {
      id: string;
      state: 'queued' | 'completed' | 'failed';
      accepted: number;
      rejected: number;
      errors: { line: number; reason: string }[];
    }

    const submit = (rows: unknown[]) =>
      callerA.request<{ ingestionId: string }>('/api/data/v1/measurements?async=true', {
        method: 'POST',
        headers: NDJSON,
        body: ndjson(rows),
      });

    async function settled(id: string): Promise<IngestionView> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const view = await callerA.request<IngestionView>(`/api/data/v1/ingestions/${id}`);
        if (view.body.state !== 'queued' || Date.now() > deadline) return view.body;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    it('queues a batch, stores it through the worker, and reports the outcome', async () => {
      const readings = generateReadings(2_000, { seed: 5, sources: ['async-park'], startMs: Date.UTC(2028, 0, 1) });
      const submitted = await submit(readings);
      expect(submitted.status).toBe(202);
      const view = await settled(submitted.body.ingestionId);
      expect(view).toMatchObject({
        id: submitted.body.ingestionId,
        state: 'completed',
        accepted: 2_000,
        rejected: 0,
        errors: [],
      });
      const stats = await callerA.request<StatsAnswer>(
        '/api/data/v1/measurements/stats?groupBy=source&bucket=month&from=2028-01-01T00:00:00Z&to=2029-01-01T00:00:00Z',
      );
      expect(stats.body.rows).toEqual([expect.objectContaining({ source: 'async-park', count: 2_000 })]);
    });

    it('stores nothing from a queued batch with bad rows, and lists every bad row', async () => {
      const rows: unknown[] = generateReadings(50, { seed: 9, sources: ['async-bad'] });
      rows[9] = { source: 'async-bad', metric: 'm', ts: 'nope', value: 1 };
      rows[29] = { source: 'async-bad', metric: 'm', ts: '2026-01-01T00:00:00Z', value: null };
      const submitted = await submit(rows);
      const view = await settled(submitted.body.ingestionId);
      expect(view).toMatchObject({ state: 'failed', accepted: 0, rejected: 2 });
      expect(view.errors.map((error) => error.line)).toEqual([10, 30]);
      expect((await callerA.request<Page<Reading>>('/api/data/v1/measurements?source=async-bad')).body.items).toEqual(
        [],
      );
    });

    it('queues again an ingestion whose job was lost with Redis', async () => {
      await callerA.request('/api/data/v1/measurements?limit=1');
      const id = randomUUID();
      const payload = ndjson([{ source: 'lost-job', metric: 'm', ts: '2026-03-01T00:00:00Z', value: 3 }]);
      // What Postgres holds after a submit whose job never reached (or vanished from) Redis.
      await stack.pg(
        `INSERT INTO t_${a.slug.replaceAll('-', '_')}.ingestions (id, state, content_type, payload, created_at)
         VALUES ($1, 'queued', 'application/x-ndjson', $2, now() - interval '1 hour')`,
        [id, Buffer.from(payload)],
      );
      expect(await settled(id)).toMatchObject({ state: 'completed', accepted: 1 });
    });

    it("answers 404 for another tenant's ingestion", async () => {
      const submitted = await submit([{ source: 'async-x', metric: 'm', ts: '2026-01-01T00:00:00Z', value: 1 }]);
      expect((await callerB.request(`/api/data/v1/ingestions/${submitted.body.ingestionId}`)).status).toBe(404);
    });
  });

  describe('records', () => {
    const records = (collection: string, suffix = '') => `/api/data/v1/collections/${collection}/records${suffix}`;

    it('upserts, reads, lists by prefix with a cursor, and deletes', async () => {
      const put = await callerA.request<{ upserted: number }>(records('ports'), {
        method: 'PUT',
        headers: JSON_BODY,
        body: JSON.stringify([
          { key: 'AEAJM', data: { name: 'Ajman', coordinates: [55.5, 25.4] } },
          { key: 'AEDXB', data: { name: 'Dubai' } },
          { key: 'NLRTM', data: { name: 'Rotterdam' } },
        ]),
      });
      expect(put).toEqual({ status: 200, body: { upserted: 3 } });
      const update = await callerA.request<{ upserted: number }>(records('ports'), {
        method: 'PUT',
        headers: NDJSON,
        body: ndjson([
          { key: 'AEDXB', data: { name: 'Dubai', country: 'AE' } },
          { key: 'AEAUH', data: { name: 'Abu Dhabi' } },
        ]),
      });
      expect(update.body).toEqual({ upserted: 2 });

      const one = await callerA.request<RecordView>(records('ports', '/AEDXB'));
      expect(one.body).toMatchObject({ key: 'AEDXB', data: { name: 'Dubai', country: 'AE' } });
      const first = await callerA.request<Page<RecordView>>(records('ports', '?prefix=AE&limit=2'));
      expect(first.body.items.map((item) => item.key)).toEqual(['AEAJM', 'AEAUH']);
      const second = await callerA.request<Page<RecordView>>(
        records('ports', `?prefix=AE&limit=2&cursor=${first.body.nextCursor}`),
      );
      expect(second.body.items.map((item) => item.key)).toEqual(['AEDXB']);

      expect((await callerA.request(records('ports', '/AEDXB'), { method: 'DELETE' })).status).toBe(204);
      expect(await callerA.request(records('ports', '/AEDXB'))).toMatchObject({
        status: 404,
        body: { error: 'RecordNotFound' },
      });
      expect((await callerA.request(records('ports', '/AEDXB'), { method: 'DELETE' })).status).toBe(404);
    });

    it('cuts a page of large documents at about 4 MiB, and the cursor reaches every record once', async () => {
      const big = Array.from({ length: 10 }, (_, index) => ({
        key: `doc-${index}`,
        data: { blob: randomBytes(675_000).toString('base64') },
      }));
      const put = await callerA.request(records('big-docs'), { method: 'PUT', headers: NDJSON, body: ndjson(big) });
      expect(put).toEqual({ status: 200, body: { upserted: 10 } });
      const seen: string[] = [];
      let cursor: string | null = '';
      let pages = 0;
      while (cursor !== null) {
        const page: Page<RecordView> = (
          await callerA.request<Page<RecordView>>(records('big-docs', `?limit=100${cursor ? `&cursor=${cursor}` : ''}`))
        ).body;
        expect(page.items.length).toBeLessThan(10);
        seen.push(...page.items.map((item) => item.key));
        cursor = page.nextCursor;
        pages += 1;
      }
      expect(seen).toEqual(big.map((doc) => doc.key));
      expect(pages).toBeGreaterThan(1);
    });

    it('stores nothing from a record batch with one bad record', async () => {
      const answer = await callerA.request<ErrorBody>(records('atomic'), {
        method: 'PUT',
        headers: NDJSON,
        body: ndjson([
          { key: 'k1', data: 1 },
          { key: 'k2', data: 2 },
          { key: '', data: 3 },
        ]),
      });
      expect(answer).toMatchObject({ status: 400, body: { details: { line: 3 } } });
      expect((await callerA.request(records('atomic', '/k1'))).status).toBe(404);
    });

    it('streams a multi-megabyte object file and an array file keyed by a field', async () => {
      const ports = Object.fromEntries(
        Array.from({ length: 20_000 }, (_, index) => [
          `P${String(index).padStart(5, '0')}`,
          {
            name: `Port ${index}`,
            coordinates: [index / 100, -index / 200],
            unlocs: [`U${index}`],
            notes: 'x'.repeat(100),
          },
        ]),
      );
      const file = JSON.stringify(ports, null, 1);
      expect(file.length).toBeGreaterThan(3_000_000);
      const imported = await callerA.request<{ imported: number }>('/api/data/v1/collections/port-file/import', {
        method: 'POST',
        headers: JSON_BODY,
        body: file,
      });
      expect(imported).toEqual({ status: 200, body: { imported: 20_000 } });
      expect((await callerA.request<RecordView>(records('port-file', '/P12345'))).body.data).toEqual(ports.P12345);

      const securities = JSON.stringify([
        { isin: 'US0378331005', name: 'Apple' },
        { isin: 'NL0010273215', name: 'ASML' },
      ]);
      const byField = await callerA.request<{ imported: number }>(
        '/api/data/v1/collections/securities/import?keyField=isin',
        {
          method: 'POST',
          headers: JSON_BODY,
          body: securities,
        },
      );
      expect(byField.body).toEqual({ imported: 2 });
      expect((await callerA.request<RecordView>(records('securities', '/NL0010273215'))).body.data).toEqual({
        isin: 'NL0010273215',
        name: 'ASML',
      });
    });

    it('stores nothing from an import whose file breaks half way', async () => {
      const entries = Array.from({ length: 5_000 }, (_, index) => `"K${index}": {"n": ${index}}`).join(',\n');
      const answer = await callerA.request<ErrorBody>('/api/data/v1/collections/broken-file/import', {
        method: 'POST',
        headers: JSON_BODY,
        body: `{${entries}, "oops": {"n": }`,
      });
      expect(answer).toMatchObject({ status: 400, body: { error: 'ValidationFailed' } });
      expect((await callerA.request(records('broken-file', '/K1'))).status).toBe(404);
    });
  });

  it('reports rows stored and stats cache lookups on /metrics, without tenant labels', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${stack.env.DATA_API_PORT}/metrics`)).text();
    expect(metrics).toMatch(/data_rows_stored_total\{kind="measurements",path="sync"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/data_stats_cache_lookups_total\{result="hit"[^}]*\} [1-9]/);
    expect(metrics).not.toContain(a.tenantId);
  });

  describe('isolation', () => {
    it("refuses A's key on B's host, and a call without a key", async () => {
      const onB = new CallerConnection(stack.edgeUrl, b.host, a.key);
      try {
        expect((await onB.request<ErrorBody>('/api/data/v1/collections/ports/records')).status).toBe(403);
        expect((await onB.request<ErrorBody>('/api/data/v1/measurements/stats?groupBy=source&bucket=day')).status).toBe(
          403,
        );
      } finally {
        await onB.close();
      }
      expect((await callerA.request('/api/data/v1/measurements', { authorization: null })).status).toBe(401);
    });

    it("accepts A's access token on A's host only, and refuses calls that skip the edge", async () => {
      const token = await callerA.request<{ access_token: string }>('/api/auth/token', { method: 'POST' });
      expect(token.status).toBe(200);
      const stats = '/api/data/v1/measurements/stats?groupBy=source&bucket=day';
      expect((await callerA.request(stats, { authorization: `Bearer ${token.body.access_token}` })).status).toBe(200);
      expect((await callerB.request(stats, { authorization: `Bearer ${token.body.access_token}` })).status).toBe(403);
      const direct = await fetch(
        `http://127.0.0.1:${stack.env.DATA_API_PORT}/v1/measurements/stats?groupBy=source&bucket=day`,
        {
          headers: {
            authorization: `Bearer ${a.key}`,
            'x-platform-tenant-id': a.tenantId,
            'x-platform-tenant-slug': a.slug,
          },
        },
      );
      expect(direct.status).toBe(401);
    });

    it("never shows A's records or readings to B", async () => {
      await post(callerB, [{ source: 'b-only', metric: 'power_kw', ts: '2026-02-01T00:00:00Z', value: 1 }]);
      expect((await callerB.request('/api/data/v1/collections/ports/records/AEAJM')).status).toBe(404);
      expect((await callerB.request<Page<RecordView>>('/api/data/v1/collections/ports/records')).body.items).toEqual(
        [],
      );
      const stats = await callerB.request<StatsAnswer>('/api/data/v1/measurements/stats?groupBy=source&bucket=month');
      expect(stats.body.rows).toEqual([expect.objectContaining({ source: 'b-only', count: 1 })]);
      expect((await callerB.request<Page<Reading>>('/api/data/v1/measurements?source=rt-park')).body.items).toEqual([]);
    });
  });
});
