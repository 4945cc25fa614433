import { Counter } from 'prom-client';
import { metricsRegistry } from '@platform/observability';

// No tenant label: series stay bounded whatever the number of tenants.
export const counterValuesIssued = new Counter({
  name: 'counter_values_issued_total',
  help: 'Sequence values handed out to callers (a block of N counts N)',
  registers: [metricsRegistry],
});

export const counterLeases = new Counter({
  name: 'counter_leases_total',
  help: 'Blocks of values leased from Postgres by this replica',
  registers: [metricsRegistry],
});
