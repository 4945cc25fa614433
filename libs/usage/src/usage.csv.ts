/** A CSV document (RFC 4180) with a header row naming the fields of the first row. */
export function toCsv(rows: readonly Record<string, string | number>[], columns: readonly string[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((column) => csvField(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(value: string | number | undefined): string {
  const text = value === undefined ? '' : String(value);
  // Quotes where the text needs them, and keeps spreadsheets from reading a cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) && typeof value === 'string' ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
