import { statsRangesOf } from './measurement-queries.js';

const at = (iso: string) => new Date(iso);

describe(statsRangesOf.name, () => {
  const sut = statsRangesOf;

  it('reads whole hours from rollups and the partial hours at both ends raw', () => {
    expect(sut(at('2026-01-01T10:20:00Z'), at('2026-01-01T13:05:00Z'))).toEqual({
      hours: { from: at('2026-01-01T11:00:00Z'), to: at('2026-01-01T13:00:00Z') },
      rawHead: { from: at('2026-01-01T10:20:00Z'), to: at('2026-01-01T11:00:00Z') },
      rawTail: { from: at('2026-01-01T13:00:00Z'), to: at('2026-01-01T13:05:00Z') },
    });
  });

  it('needs no raw rows when the range is hour-aligned or open', () => {
    expect(sut(at('2026-01-01T10:00:00Z'), undefined)).toEqual({
      hours: { from: at('2026-01-01T10:00:00Z'), to: null },
      rawHead: null,
      rawTail: null,
    });
    expect(sut(undefined, undefined)).toEqual({ hours: { from: null, to: null }, rawHead: null, rawTail: null });
  });

  it('reads a range inside one hour, or across one boundary without a whole hour, raw only', () => {
    expect(sut(at('2026-01-01T10:20:00Z'), at('2026-01-01T10:40:00Z'))).toEqual({
      hours: null,
      rawHead: { from: at('2026-01-01T10:20:00Z'), to: at('2026-01-01T10:40:00Z') },
      rawTail: null,
    });
    expect(sut(at('2026-01-01T10:20:00Z'), at('2026-01-01T11:10:00Z')).hours).toBeNull();
  });
});
