import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { NDJSON, generateReadings, ndjson } from './data.support.js';
import { Stack } from './support/stack.js';

interface UsageRow {
  counterValues: number;
  rowsIngested: number;
  apiRequests: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** USAGE_STORE=tenant: usage is written in the tenant's own schema and collected by the control plane. */
describe('Usage recorded in the tenant schema and collected', () => {
  let stack: Stack;
  let tenant: TenantWithKey;
  let caller: CallerConnection;

  const totals = async (): Promise<UsageRow> => {
    const answer = await stack.api<{ rows: UsageRow[] }>('GET', `/v1/tenants/${tenant.slug}/usage?granularity=day`);
    return answer.body.rows.reduce(
      (sum, row) => ({
        counterValues: sum.counterValues + row.counterValues,
        rowsIngested: sum.rowsIngested + row.rowsIngested,
        apiRequests: sum.apiRequests + row.apiRequests,
      }),
      { counterValues: 0, rowsIngested: 0, apiRequests: 0 },
    );
  };

  const waitForTotals = async (expected: UsageRow): Promise<void> => {
    const deadline = Date.now() + 15_000;
    let last = await totals();
    while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
      await sleep(200);
      last = await totals();
    }
    expect(last).toEqual(expected);
  };

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api'], {
      USAGE_STORE: 'tenant',
      USAGE_FLUSH_INTERVAL_MS: '500',
      USAGE_COLLECT_INTERVAL_MS: '1000',
    });
    tenant = await onboardWithKey(stack, 'usage-own');
    caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
  }, 90_000);

  afterAll(async () => {
    await caller?.close();
    await stack?.stop();
  });

  it('writes only to the tenant schema, and the control plane collects exactly that, once', async () => {
    expect((await caller.request('/api/counter/v1/counters/c/next?count=100', { method: 'POST' })).status).toBe(200);
    const stored = await caller.request('/api/data/v1/measurements', {
      method: 'POST',
      headers: NDJSON,
      body: ndjson(generateReadings(500, { seed: 3 })),
    });
    expect(stored).toEqual({ status: 200, body: { accepted: 500 } });
    await waitForTotals({ counterValues: 100, rowsIngested: 500, apiRequests: 2 });

    const schema = `t_${tenant.slug.replaceAll('-', '_')}`;
    const own = await stack.pg<{ metric: string; value: string }>(
      `SELECT metric, sum(value)::text AS value FROM "${schema}".usage_hours GROUP BY metric ORDER BY metric`,
    );
    expect(own).toEqual([
      { metric: 'counter_values', value: '100' },
      { metric: 'measurements_stored', value: '500' },
      { metric: 'requests:counter:2xx', value: '1' },
      { metric: 'requests:data:2xx', value: '1' },
    ]);

    // Collecting again (a restarted control plane reads every row anew) replaces, never adds.
    await stack.stopApp('control-plane');
    await stack.startApp('control-plane');
    await sleep(2_500);
    expect(await totals()).toEqual({ counterValues: 100, rowsIngested: 500, apiRequests: 2 });

    expect((await caller.request('/api/counter/v1/counters/c/next', { method: 'POST' })).status).toBe(200);
    await waitForTotals({ counterValues: 101, rowsIngested: 500, apiRequests: 3 });
  }, 60_000);
});
