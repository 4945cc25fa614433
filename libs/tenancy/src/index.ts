export * from './tenancy.module.js';
export * from './tenant-conditions.js';
export * from './tenant-spec.js';
export * from './tenant.view.js';
export * from './tenants.repository.js';
export * from './provisioning-jobs.repository.js';
export * from './tenants.service.js';
