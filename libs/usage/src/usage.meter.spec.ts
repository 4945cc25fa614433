import { UsageMeter } from './usage.meter.js';

describe(UsageMeter.name, () => {
  const hour = Date.UTC(2026, 10, 30, 10);

  it('adds amounts per tenant, hour and metric, and drains them once', () => {
    const sut = new UsageMeter();
    sut.add('a', 'counter_values', 2, hour + 1);
    sut.add('a', 'counter_values', 3, hour + 3_599_999);
    sut.add('a', 'counter_values', 1, hour + 3_600_000);
    sut.add('b', 'counter_values', 4, hour);
    sut.add('b', 'records_stored', 0, hour);
    expect(sut.drain()).toEqual([
      { tenantId: 'a', hour: new Date(hour), metric: 'counter_values', value: 5 },
      { tenantId: 'a', hour: new Date(hour + 3_600_000), metric: 'counter_values', value: 1 },
      { tenantId: 'b', hour: new Date(hour), metric: 'counter_values', value: 4 },
    ]);
    expect(sut.drain()).toEqual([]);
  });

  it('keeps what a failed write gives back, added to what was counted since', () => {
    const sut = new UsageMeter();
    sut.add('a', 'counter_values', 2, hour);
    const failed = sut.drain();
    sut.add('a', 'counter_values', 1, hour);
    sut.restore(failed);
    expect(sut.drain()).toEqual([{ tenantId: 'a', hour: new Date(hour), metric: 'counter_values', value: 3 }]);
  });
});
