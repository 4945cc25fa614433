import { UsageMeter, meterWorkloadRequest, ownRequestMeter, usageMeter } from './usage.meter.js';

const a = { tenantId: 'a', tenantSlug: 'acme' };
const b = { tenantId: 'b', tenantSlug: 'globex' };
const t = { tenantId: 't', tenantSlug: 'initech' };

describe(UsageMeter.name, () => {
  const hour = Date.UTC(2026, 10, 30, 10);

  it('adds amounts per tenant, hour and metric, and drains them once', () => {
    const sut = new UsageMeter();
    sut.add(a, 'counter_values', 2, hour + 1);
    sut.add(a, 'counter_values', 3, hour + 3_599_999);
    sut.add(a, 'counter_values', 1, hour + 3_600_000);
    sut.add(b, 'counter_values', 4, hour);
    sut.add(b, 'records_stored', 0, hour);
    expect(sut.drain()).toEqual([
      { ...a, hour: new Date(hour), metric: 'counter_values', value: 5 },
      { ...b, hour: new Date(hour), metric: 'counter_values', value: 4 },
      { ...a, hour: new Date(hour + 3_600_000), metric: 'counter_values', value: 1 },
    ]);
    expect(sut.drain()).toEqual([]);
    expect(sut.pendingKeys).toBe(0);
  });

  it('counts workload requests by workload and status class', () => {
    usageMeter.drain();
    meterWorkloadRequest(t, 'counter', 200);
    meterWorkloadRequest(t, 'counter', 201);
    meterWorkloadRequest(t, 'counter', 404);
    meterWorkloadRequest(t, 'data', 503);
    expect(usageMeter.pendingKeys).toBe(3);
    const counted = usageMeter.drain().map(({ metric, value }) => [metric, value]);
    expect(counted).toEqual([
      ['requests:counter:2xx', 2],
      ['requests:counter:4xx', 1],
      ['requests:data:5xx', 1],
    ]);
  });

  it('counts a single-mode workload its own tenant API answers only, and nothing in shared mode', () => {
    usageMeter.drain();
    expect(ownRequestMeter({ tenancy: { mode: 'shared' } }, 'counter')).toBeUndefined();
    const tenancy = { mode: 'single' as const, single: { ...t, tokenSigningKey: 'k' } };
    const count = ownRequestMeter({ tenancy }, 'data')!;
    count('/v1/measurements', 200);
    count('/v1/measurements?limit=1', 401);
    count('/ready', 200);
    count('/metrics', 200);
    const counted = usageMeter.drain().map(({ tenantId, metric, value }) => [tenantId, metric, value]);
    expect(counted).toEqual([
      ['t', 'requests:data:2xx', 1],
      ['t', 'requests:data:4xx', 1],
    ]);
  });

  it('keeps what a failed write gives back, added to what was counted since', () => {
    const sut = new UsageMeter();
    sut.add(a, 'counter_values', 2, hour);
    const failed = sut.drain();
    sut.add(a, 'counter_values', 1, hour);
    sut.restore(failed);
    expect(sut.drain()).toEqual([{ ...a, hour: new Date(hour), metric: 'counter_values', value: 3 }]);
  });
});
