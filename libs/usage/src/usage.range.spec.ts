import { usageRangeOf } from './usage.range.js';
import { usageQuerySchema } from './usage.schemas.js';

describe(usageRangeOf.name, () => {
  const now = Date.UTC(2026, 10, 30, 10, 20);
  const rangeOf = (query: Record<string, string>) => usageRangeOf(usageQuerySchema.parse(query), now);

  it('covers whole UTC periods: from rounds down, to rounds up, and defaults end with the current period', () => {
    expect(rangeOf({ granularity: 'hour', from: '2026-11-30T08:30:00Z', to: '2026-11-30T09:10:00+00:00' })).toEqual({
      from: new Date('2026-11-30T08:00:00Z'),
      to: new Date('2026-11-30T10:00:00Z'),
      periodSeconds: 3_600,
    });
    expect(rangeOf({})).toEqual({
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
      periodSeconds: 86_400,
    });
  });

  it('refuses empty, reversed and too long ranges', () => {
    expect(() => rangeOf({ from: '2026-11-02', to: '2026-11-01' })).toThrow('from must be before to');
    expect(() => rangeOf({ granularity: 'hour', from: '2026-10-01', to: '2026-11-02' })).toThrow('At most 744 hours');
    expect(() => rangeOf({ from: '2025-01-01', to: '2026-01-03' })).toThrow('At most 366 days');
    expect(rangeOf({ from: '2025-01-01', to: '2026-01-01' }).periodSeconds).toBe(86_400);
  });

  it('accepts ISO dates and date-times only', () => {
    for (const from of ['yesterday', '2026-02-30', '1700000000', '2026-11-30T10:00:00']) {
      expect(usageQuerySchema.safeParse({ from }).success).toBe(false);
    }
  });
});
