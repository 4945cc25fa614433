import { DomainError } from '@platform/errors';
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
 * Memory grows with the number of distinct keys, so a batch may hold at most `maxKeys` of them.
 */
export class HourRollups {
  private readonly byKey = new Map<string, HourRollup>();
  minTsMs = Number.POSITIVE_INFINITY;
  maxTsMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly maxKeys: number) {}

  /** `line` names the reading in the refusal when it would take the batch past `maxKeys`. */
  add(row: Measurement, line: number): void {
    const hourMs = row.tsMs - (((row.tsMs % HOUR_MS) + HOUR_MS) % HOUR_MS);
    const key = `${row.source}\u0000${row.metric}\u0000${hourMs}`;
    const rollup = this.byKey.get(key);
    if (rollup) {
      rollup.count += 1;
      rollup.sum += row.value;
      if (row.value < rollup.min) rollup.min = row.value;
      if (row.value > rollup.max) rollup.max = row.value;
    } else {
      if (this.byKey.size >= this.maxKeys) throw tooManyRollupKeys(line, this.maxKeys);
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

function tooManyRollupKeys(line: number, maxKeys: number): DomainError {
  return new DomainError(
    'PayloadTooLarge',
    `Line ${line}: a batch may span at most ${maxKeys} distinct (source, metric, hour); split it; nothing from this batch was stored`,
    { line, maxRollupKeys: maxKeys },
  );
}
