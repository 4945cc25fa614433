export * from './api-keys.service.js';
export * from './edge-context.js';
export * from './tenant-auth.module.js';
export * from './edge-tenant.guard.js';
