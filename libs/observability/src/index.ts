export * from './health.service.js';
export * from './http-telemetry.js';
export * from './logger.js';
export * from './metrics.js';
export * from './metrics.controller.js';
export * from './observability.module.js';
export * from './tracing.js';
export * from './log-context.js';
