import { toCsv } from './usage.csv.js';

describe(toCsv.name, () => {
  it('writes a header row and CRLF lines, quoting only where needed', () => {
    expect(toCsv([{ tenant: 'acme', period: '2026-11-30T00:00:00.000Z', n: 5 }], ['tenant', 'period', 'n'])).toBe(
      'tenant,period,n\r\nacme,2026-11-30T00:00:00.000Z,5\r\n',
    );
    expect(toCsv([], ['a', 'b'])).toBe('a,b\r\n');
    expect(toCsv([{ a: 'x,"y"\nz' }], ['a'])).toBe('a\r\n"x,""y""\nz"\r\n');
  });

  it('keeps spreadsheets from reading a text cell as a formula, but leaves negative numbers alone', () => {
    expect(toCsv([{ a: '=1+1', b: -3 }], ['a', 'b'])).toBe("a,b\r\n'=1+1,-3\r\n");
  });
});
