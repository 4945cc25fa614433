import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process: `/metrics` on each app shows that app's own series. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

// Labels carry route templates and status codes only, never a tenant or an id, so series stay bounded.
export const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const httpRequestDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'Time from request to response, by method, route template and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const provisioningJobs = new Counter({
  name: 'provisioning_jobs_total',
  help: 'Provisioning job attempts by kind and outcome (completed, superseded, retrying, failed)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const provisioningJobDuration = new Histogram({
  name: 'provisioning_job_duration_seconds',
  help: 'Time one provisioning job attempt took, by kind and outcome',
  labelNames: ['kind', 'outcome'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  registers: [metricsRegistry],
});

export const changeToConverged = new Histogram({
  name: 'provisioning_change_to_converged_seconds',
  help: 'From the job being queued (the change accepted) to its generation converged, by kind',
  labelNames: ['kind'] as const,
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  registers: [metricsRegistry],
});

/** A gauge read at scrape time (queue depth, tenants by phase), so it is never stale. */
export function scrapedGauge<Label extends string>(
  name: string,
  help: string,
  labelNames: readonly Label[],
  read: (set: (labels: Partial<Record<Label, string>>, value: number) => void) => Promise<void>,
): Gauge<Label> {
  return new Gauge<Label>({
    name,
    help,
    labelNames,
    registers: [metricsRegistry],
    async collect() {
      this.reset();
      await read((labels, value) => this.set(labels, value));
    },
  });
}
