import { TIER_SIZING } from './tenant-sizing.js';
import { WORKLOADS } from './tenant-plan.js';

const UNITS: Record<string, number> = { m: 1e-3, Mi: 2 ** 20, Gi: 2 ** 30, '': 1 };

function quantity(value: string): number {
  const [, amount, unit] = /^(\d+(?:\.\d+)?)(m|Mi|Gi|)$/.exec(value) ?? [];
  if (amount === undefined) throw new Error(`Unexpected quantity ${value}`);
  return Number(amount) * UNITS[unit];
}

describe('TIER_SIZING', () => {
  it.each(Object.entries(TIER_SIZING))(
    'lets %s scale every workload to its maximum within the quota',
    (_tier, sizing) => {
      const pods = WORKLOADS.length * sizing.replicas.max;
      // One surge pod per workload during a rolling update.
      const peak = pods + WORKLOADS.length;
      expect(peak).toBeLessThanOrEqual(sizing.quota.pods);
      expect(peak * quantity(sizing.container.requests.cpu)).toBeLessThanOrEqual(quantity(sizing.quota.requestsCpu));
      expect(peak * quantity(sizing.container.requests.memory)).toBeLessThanOrEqual(
        quantity(sizing.quota.requestsMemory),
      );
      expect(peak * quantity(sizing.container.limits.cpu)).toBeLessThanOrEqual(quantity(sizing.quota.limitsCpu));
      expect(peak * quantity(sizing.container.limits.memory)).toBeLessThanOrEqual(quantity(sizing.quota.limitsMemory));
    },
  );

  it('gives bigger tiers more room', () => {
    const { starter, business, enterprise } = TIER_SIZING;
    expect(starter.replicas.max).toBeLessThan(business.replicas.max);
    expect(business.replicas.max).toBeLessThan(enterprise.replicas.max);
    expect(starter.quota.pods).toBeLessThan(business.quota.pods);
    expect(business.quota.pods).toBeLessThan(enterprise.quota.pods);
  });
});
