import { applyConditions, type TenantCondition } from './tenant-conditions.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:05:00Z');

describe('applyConditions', () => {
  it('moves lastTransitionTime only when the status changes', () => {
    const first = applyConditions([], [{ type: 'Ready', status: 'False', reason: 'Provisioning', message: 'x' }], t0);
    const same = applyConditions(first, [{ type: 'Ready', status: 'False', reason: 'Retrying', message: 'y' }], t1);
    expect(same[0]).toMatchObject({ reason: 'Retrying', lastTransitionTime: t0.toISOString() });
    const flipped = applyConditions(same, [{ type: 'Ready', status: 'True', reason: 'Converged', message: 'z' }], t1);
    expect(flipped[0]!.lastTransitionTime).toBe(t1.toISOString());
  });

  it('keeps conditions in a fixed order whatever order updates come in', () => {
    const sut: TenantCondition[] = applyConditions(
      [],
      [
        { type: 'Ready', status: 'True', reason: 'a', message: '' },
        { type: 'Provisioned', status: 'True', reason: 'b', message: '' },
      ],
      t0,
    );
    expect(sut.map((condition) => condition.type)).toEqual(['Provisioned', 'Ready']);
  });
});
