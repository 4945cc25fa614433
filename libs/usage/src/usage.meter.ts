const HOUR_MS = 3_600_000;

/** One metered amount for one tenant, hour and metric, as the flusher writes it. */
export interface UsageIncrement {
  tenantId: string;
  hour: Date;
  metric: string;
  value: number;
}

export const USAGE_METRICS = {
  counterValues: 'counter_values',
  recordsStored: 'records_stored',
  measurementsStored: 'measurements_stored',
  storedBytes: 'stored_bytes',
  /** `requests:<workload>:<status class>`, e.g. `requests:counter:2xx`. */
  requestsPrefix: 'requests:',
} as const;

/**
 * Usage counted in memory, keyed by tenant, hour and metric. Requests only add to a map; the
 * flusher drains it into one upsert per interval, so metering never costs a database write per
 * request. Amounts are added only for work that is done (values handed out, rows committed).
 */
export class UsageMeter {
  private counts = new Map<string, number>();

  add(tenantId: string, metric: string, amount: number, atMs = Date.now()): void {
    if (!(amount > 0)) return;
    const key = `${tenantId}|${atMs - (atMs % HOUR_MS)}|${metric}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + amount);
  }

  /** Takes every amount counted so far; what could not be written goes back with `restore`. */
  drain(): UsageIncrement[] {
    const drained = this.counts;
    this.counts = new Map();
    return [...drained].map(([key, value]) => {
      const [tenantId, hourMs, metric] = key.split('|') as [string, string, string];
      return { tenantId, hour: new Date(Number(hourMs)), metric, value };
    });
  }

  restore(increments: readonly UsageIncrement[]): void {
    for (const { tenantId, hour, metric, value } of increments) this.add(tenantId, metric, value, hour.getTime());
  }

  get pendingKeys(): number {
    return this.counts.size;
  }
}

/** The process's meter: workloads add to it with the one-line helpers below, `UsageFlusher` writes it. */
export const usageMeter = new UsageMeter();

export function meterCounterValues(tenantId: string, count: number): void {
  usageMeter.add(tenantId, USAGE_METRICS.counterValues, count);
}

/** Call once the rows are committed: a refused or rolled-back batch counts nothing. */
export function meterRowsStored(tenantId: string, kind: 'records' | 'measurements', count: number): void {
  usageMeter.add(tenantId, kind === 'records' ? USAGE_METRICS.recordsStored : USAGE_METRICS.measurementsStored, count);
}

export function meterWorkloadRequest(tenantId: string, workload: string, status: number): void {
  usageMeter.add(tenantId, `${USAGE_METRICS.requestsPrefix}${workload}:${Math.floor(status / 100)}xx`, 1);
}
