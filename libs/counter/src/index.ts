export * from './counter.module.js';
export * from './counter.schemas.js';
export * from './counters.service.js';
export * from './counter.metrics.js';
