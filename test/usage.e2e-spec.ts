import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { JSON_BODY, NDJSON, generateReadings, ndjson } from './data.support.js';
import { Stack } from './support/stack.js';

interface UsageRow {
  period: string;
  counterValues: number;
  rowsIngested: number;
  apiRequests: number;
  storedBytes: number;
}

type Totals = Omit<UsageRow, 'period' | 'storedBytes'>;

function totalsOf(rows: UsageRow[]): Totals {
  return rows.reduce(
    (sum, row) => ({
      counterValues: sum.counterValues + row.counterValues,
      rowsIngested: sum.rowsIngested + row.rowsIngested,
      apiRequests: sum.apiRequests + row.apiRequests,
    }),
    { counterValues: 0, rowsIngested: 0, apiRequests: 0 },
  );
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Usage metering', () => {
  let stack: Stack;
  let tenant: TenantWithKey;
  let caller: CallerConnection;
  // Every call this file sends to a workload through the edge, by the status it answered.
  let requestsSent = 0;

  const call = async <T>(
    path: string,
    options: { method?: string; headers?: Record<string, string>; body?: string },
  ) => {
    requestsSent += 1;
    return caller.request<T>(path, options);
  };

  const usageOf = async (slug: string): Promise<UsageRow[]> => {
    const answer = await stack.api<{ rows: UsageRow[] }>('GET', `/v1/tenants/${slug}/usage?granularity=hour`);
    expect(answer.status).toBe(200);
    return answer.body.rows;
  };

  /** Polls until the tenant's usage equals `expected`; answers how long that took. */
  const waitForTotals = async (slug: string, expected: Totals, timeoutMs: number): Promise<number> => {
    const startedAt = Date.now();
    let last: Totals | undefined;
    while (Date.now() - startedAt < timeoutMs) {
      last = totalsOf(await usageOf(slug));
      if (JSON.stringify(last) === JSON.stringify(expected)) return Date.now() - startedAt;
      await sleep(200);
    }
    throw new Error(`Usage of ${slug} is ${JSON.stringify(last)}, expected ${JSON.stringify(expected)}`);
  };

  beforeAll(async () => {
    // The default flush interval (5 s), so "visible within 10 s" is what a deployment gets.
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api']);
    tenant = await onboardWithKey(stack, 'usage');
    caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
  }, 90_000);

  afterAll(async () => {
    await caller?.close();
    await stack?.stop();
  });

  it('shows exactly the counter values and rows handed out, within 10 s, and lists them in the CSV export', async () => {
    for (let i = 0; i < 60; i += 1) {
      expect((await call('/api/counter/v1/counters/invoices/next', { method: 'POST' })).status).toBe(200);
    }
    expect((await call('/api/counter/v1/counters/invoices/next?count=40', { method: 'POST' })).status).toBe(200);

    const readings = generateReadings(300, { seed: 7 });
    const sync = await call<{ accepted: number }>('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson(readings.slice(0, 200)),
    });
    expect(sync).toEqual({ status: 200, body: { accepted: 200 } });
    const queued = await call<{ ingestionId: string }>('/api/data/v1/measurements?async=true', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson(readings.slice(200)),
    });
    expect(queued.status).toBe(202);
    const records = Array.from({ length: 150 }, (_, i) => ({ key: `r-${i}`, data: { i } }));
    expect(
      await call('/api/data/v1/collections/orders/records', { method: 'PUT', headers: NDJSON, body: ndjson(records) }),
    ).toEqual({ status: 200, body: { upserted: 150 } });
    const imported = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`i-${i}`, { i }]));
    expect(
      await call('/api/data/v1/collections/imports/import', {
        method: 'POST',
        headers: JSON_BODY,
        body: JSON.stringify(imported),
      }),
    ).toEqual({ status: 200, body: { imported: 50 } });

    // Refused and rolled-back batches store nothing, so they count no rows (their requests still count).
    const refused = await call('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson([...readings.slice(0, 20), { source: 'x', metric: 'm', ts: 'not a time', value: 1 }]),
    });
    expect(refused.status).toBe(400);
    const badRecords = await call('/api/data/v1/collections/orders/records', {
      method: 'PUT',
      headers: NDJSON,
      body: ndjson([...records.slice(0, 10), { data: { missing: 'key' } }]),
    });
    expect(badRecords.status).toBe(400);

    for (;;) {
      const state = await call<{ state: string }>(`/api/data/v1/ingestions/${queued.body.ingestionId}`, {});
      if (state.body.state === 'completed') break;
      expect(state.body.state).toBe('queued');
      await sleep(100);
    }

    const tookMs = await waitForTotals(
      tenant.slug,
      { counterValues: 100, rowsIngested: 500, apiRequests: requestsSent },
      10_000,
    );
    expect(tookMs).toBeLessThan(10_000);

    const csv = await stack.api('GET', '/v1/usage', { headers: { accept: 'text/csv' } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const [header, ...lines] = csv.text.trim().split('\r\n');
    expect(header).toBe('tenant,period,counterValues,rowsIngested,apiRequests,storedBytes');
    const mine = lines.filter((line) => line.startsWith(`${tenant.slug},`)).map((line) => line.split(','));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.slice(2, 5)).toEqual(['100', '500', String(requestsSent)]);

    const tenantCsv = await stack.api('GET', `/v1/tenants/${tenant.slug}/usage?granularity=day`, {
      headers: { accept: 'text/csv' },
    });
    expect(tenantCsv.text.split('\r\n')[0]).toBe('period,counterValues,rowsIngested,apiRequests,storedBytes');
    expect(tenantCsv.text.split('\r\n').at(-2)).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT00:00:00.000Z,100,500,${requestsSent},\\d+$`),
    );
  }, 60_000);

  it('writes what a workload counted when it shuts down gracefully, before the next flush', async () => {
    const before = totalsOf(await usageOf(tenant.slug));
    expect((await call('/api/counter/v1/counters/invoices/next?count=7', { method: 'POST' })).status).toBe(200);
    await stack.stopApp('counter', 'SIGTERM');
    await stack.stopApp('edge', 'SIGTERM');
    // Both processes are gone, so nothing but their shutdown flush can have written these.
    expect(totalsOf(await usageOf(tenant.slug))).toEqual({
      counterValues: before.counterValues + 7,
      rowsIngested: before.rowsIngested,
      apiRequests: before.apiRequests + 1,
    });
    await Promise.all([stack.startApp('counter'), stack.startApp('edge')]);
  }, 60_000);

  it('answers every hour of the range, and samples stored bytes once a day (caught up at boot)', async () => {
    const rows = await usageOf(tenant.slug);
    expect(rows).toHaveLength(24);
    rows.forEach((row, i) => {
      if (i > 0) expect(Date.parse(row.period) - Date.parse(rows[i - 1]!.period)).toBe(3_600_000);
    });
    // The tenant came after the control plane's boot check and the next check is an hour away:
    // no sample yet. A restarted control plane samples the tenants that have none for today.
    expect(rows.at(-1)!.storedBytes).toBe(0);
    await stack.stopApp('control-plane');
    await stack.startApp('control-plane');
    const [expected] = await stack.pg<{ bytes: string }>(
      `SELECT sum(pg_total_relation_size(c.oid))::text AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'm')`,
      [`t_${tenant.slug.replaceAll('-', '_')}`],
    );
    expect(Number(expected!.bytes)).toBeGreaterThan(0);
    const deadline = Date.now() + 10_000;
    let sampled = 0;
    while (sampled === 0 && Date.now() < deadline) {
      await sleep(200);
      sampled = (await usageOf(tenant.slug)).at(-1)!.storedBytes;
    }
    expect(sampled).toBe(Number(expected!.bytes));
  }, 60_000);

  it('refuses bad dates, reversed and unbounded ranges, and unknown parameters with a 400', async () => {
    const bad = [
      '?from=yesterday',
      '?from=2026-02-30',
      '?from=2026-03-01&to=2026-02-01',
      '?granularity=hour&from=2026-01-01&to=2026-03-01',
      '?from=2020-01-01&to=2026-01-01',
      '?granularity=week',
      '?tenant=x',
    ];
    for (const query of bad) {
      const answer = await stack.api('GET', `/v1/tenants/${tenant.slug}/usage${query}`);
      expect({ query, status: answer.status, error: answer.body.error }).toEqual({
        query,
        status: 400,
        error: 'ValidationFailed',
      });
      expect((await stack.api('GET', `/v1/usage${query}`)).status).toBe(400);
    }
    expect((await stack.api('GET', '/v1/tenants/no-such-tenant/usage')).status).toBe(404);
    expect((await stack.api('GET', '/v1/usage', { token: null })).status).toBe(401);
  });

  it('is in the OpenAPI document', async () => {
    const document = await stack.api<{ paths: Record<string, unknown> }>('GET', '/docs/openapi.json', { token: null });
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/v1/tenants/{ref}/usage', '/v1/usage']));
  });
});
