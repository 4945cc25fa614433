import type { Measurement } from './measurement-row.js';

export const HOUR_MS = 3_600_000;

export interface HourRollup {
  source: string;
  metric: string;
  hourMs: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * Per (source, metric, hour) totals of one batch, kept while it streams. Stored beside the raw
 * rows in the same transaction, they let stats read thousands of rows instead of millions.
 */
export class HourRollups {
  private readonly byKey = new Map<string, HourRollup>();
  minTsMs = Number.POSITIVE_INFINITY;
  maxTsMs = Number.NEGATIVE_INFINITY;

  add(row: Measurement): void {
    const hourMs = row.tsMs - (((row.tsMs % HOUR_MS) + HOUR_MS) % HOUR_MS);
    const key = `${row.source}\u0000${row.metric}\u0000${hourMs}`;
    const rollup = this.byKey.get(key);
    if (rollup) {
      rollup.count += 1;
      rollup.sum += row.value;
      if (row.value < rollup.min) rollup.min = row.value;
      if (row.value > rollup.max) rollup.max = row.value;
    } else {
      this.byKey.set(key, {
        source: row.source,
        metric: row.metric,
        hourMs,
        count: 1,
        sum: row.value,
        min: row.value,
        max: row.value,
      });
    }
    if (row.tsMs < this.minTsMs) this.minTsMs = row.tsMs;
    if (row.tsMs > this.maxTsMs) this.maxTsMs = row.tsMs;
  }

  values(): HourRollup[] {
    return [...this.byKey.values()];
  }
}
