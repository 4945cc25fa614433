import { measurementCopyLine, parseMeasurement } from './measurement-row.js';

describe(parseMeasurement.name, () => {
  const sut = parseMeasurement;
  const reading = { source: 'park', metric: 'power_kw', ts: '2026-01-01T01:00:00+01:00', value: 1.5 };

  it('normalises ts to UTC milliseconds', () => {
    expect(sut(reading)).toEqual({
      source: 'park',
      metric: 'power_kw',
      tsMs: Date.UTC(2026, 0, 1),
      value: 1.5,
      tags: null,
    });
  });

  it.each([
    [{ ...reading, value: Number.POSITIVE_INFINITY }, 'value'],
    [{ ...reading, ts: '2026-01-01' }, 'ts'],
    [{ ...reading, ts: '1800-01-01T00:00:00Z' }, 'ts'],
    [{ ...reading, source: '' }, 'source'],
    [{ ...reading, extra: 1 }, '(row)'],
    ['not an object', '(row)'],
  ])('refuses %j, naming %s', (value, field) => {
    expect(sut(value)).toEqual(expect.stringContaining(field));
  });
});

describe(measurementCopyLine.name, () => {
  it('escapes the characters COPY text treats specially', () => {
    const line = measurementCopyLine({ source: 'a\tb\\c', metric: 'm\nn', tsMs: 0, value: -0.5, tags: { k: 'v\r' } });
    expect(line).toBe('a\\tb\\\\c\tm\\nn\t1970-01-01T00:00:00.000Z\t-0.5\t{"k":"v\\\\r"}\n');
  });
});
