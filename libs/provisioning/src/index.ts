export * from './local.target.js';
export * from './provision-tenant.service.js';
export * from './provisioning-target.js';
export * from './provisioning.errors.js';
export * from './provisioning.module.js';
export * from './reconciler.service.js';
export * from './tenant-credentials.service.js';
