import type { PlatformConfig } from '@platform/config';
import type { TenantRef } from '@platform/database';

const HOUR_MS = 3_600_000;

/** One metered amount for one tenant, hour and metric, as the flusher writes it. */
export interface UsageIncrement extends TenantRef {
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
 * Usage counted in memory, by hour, tenant and metric. Requests only add to these maps; the
 * flusher drains them into one upsert per interval, so metering never costs a database write per
 * request. Amounts are added only for work that is done (values handed out, rows committed).
 * Nested maps rather than one string key: no string is built per request (half the cost).
 */
export class UsageMeter {
  private hours = new Map<number, Map<string, { tenant: TenantRef; metrics: Map<string, number> }>>();
  private keys = 0;

  add(tenant: TenantRef, metric: string, amount: number, atMs = Date.now()): void {
    if (!(amount > 0)) return;
    const hour = atMs - (atMs % HOUR_MS);
    let tenants = this.hours.get(hour);
    if (!tenants) this.hours.set(hour, (tenants = new Map()));
    let counts = tenants.get(tenant.tenantId);
    if (!counts) {
      counts = { tenant: { tenantId: tenant.tenantId, tenantSlug: tenant.tenantSlug }, metrics: new Map() };
      tenants.set(tenant.tenantId, counts);
    }
    const metrics = counts.metrics;
    const before = metrics.get(metric);
    if (before === undefined) this.keys += 1;
    metrics.set(metric, (before ?? 0) + amount);
  }

  /** Takes every amount counted so far; what could not be written goes back with `restore`. */
  drain(): UsageIncrement[] {
    const drained = this.hours;
    this.hours = new Map();
    this.keys = 0;
    const increments: UsageIncrement[] = [];
    for (const [hourMs, tenants] of drained) {
      const hour = new Date(hourMs);
      for (const { tenant, metrics } of tenants.values()) {
        for (const [metric, value] of metrics) increments.push({ ...tenant, hour, metric, value });
      }
    }
    return increments;
  }

  restore(increments: readonly UsageIncrement[]): void {
    for (const increment of increments)
      this.add(increment, increment.metric, increment.value, increment.hour.getTime());
  }

  /** (tenant, hour, metric) rows waiting for the next flush. */
  get pendingKeys(): number {
    return this.keys;
  }
}

/** The process's meter: workloads add to it with the one-line helpers below, `UsageFlusher` writes it. */
export const usageMeter = new UsageMeter();

export function meterCounterValues(tenant: TenantRef, count: number): void {
  usageMeter.add(tenant, USAGE_METRICS.counterValues, count);
}

/** Call once the rows are committed: a refused or rolled-back batch counts nothing. */
export function meterRowsStored(tenant: TenantRef, kind: 'records' | 'measurements', count: number): void {
  usageMeter.add(tenant, kind === 'records' ? USAGE_METRICS.recordsStored : USAGE_METRICS.measurementsStored, count);
}

const requestMetrics = new Map<string, string[]>();

/** `requests:<workload>:<n>xx`, built once per workload and status class. */
function requestMetric(workload: string, status: number): string {
  let byClass = requestMetrics.get(workload);
  if (!byClass) {
    byClass = Array.from({ length: 6 }, (_, n) => `${USAGE_METRICS.requestsPrefix}${workload}:${n}xx`);
    requestMetrics.set(workload, byClass);
  }
  return byClass[Math.min(Math.max(Math.floor(status / 100), 0), 5)]!;
}

export function meterWorkloadRequest(tenant: TenantRef, workload: string, status: number): void {
  usageMeter.add(tenant, requestMetric(workload, status), 1);
}

/**
 * `TENANT_MODE=single` (GKE): the tenant's load balancer sends workload calls straight to the
 * workload, past any edge, so the workload counts its own: every answer to its tenant API (`/v1/*`),
 * refusals (401, 403, 429) included, under the metric the edge uses. Undefined in shared mode, where
 * the edge counts each call once (`WorkloadProxy`) and the workload must not count it again.
 */
export function ownRequestMeter(
  config: Pick<PlatformConfig, 'tenancy'>,
  workload: 'counter' | 'data',
): ((url: string, status: number) => void) | undefined {
  const single = config.tenancy.single;
  if (config.tenancy.mode !== 'single' || !single) return undefined;
  const tenant: TenantRef = { tenantId: single.tenantId, tenantSlug: single.tenantSlug };
  return (url, status) => {
    if (url.startsWith('/v1/')) meterWorkloadRequest(tenant, workload, status);
  };
}
