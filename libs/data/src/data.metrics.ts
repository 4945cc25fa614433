import { Counter } from 'prom-client';
import { metricsRegistry } from '@platform/observability';

// No tenant label: series stay bounded whatever the number of tenants.
export const dataRowsStored = new Counter({
  name: 'data_rows_stored_total',
  help: 'Rows committed by the data API, by kind (measurements, records) and path (sync, async, import)',
  labelNames: ['kind', 'path'] as const,
  registers: [metricsRegistry],
});

export const dataBatchesRefused = new Counter({
  name: 'data_batches_refused_total',
  help: 'Batches refused as a whole (bad row, too large), by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

export const statsCacheLookups = new Counter({
  name: 'data_stats_cache_lookups_total',
  help: 'Stats cache lookups by result (hit, miss)',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
