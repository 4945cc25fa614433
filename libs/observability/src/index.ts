export * from './health.service.js';
export * from './observability.module.js';
