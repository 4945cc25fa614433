export * from './provisioning-job.contract.js';
export * from './provisioning.queue.js';
export * from './queue.module.js';
export * from './redis-connection.js';
export * from './ingestion-job.contract.js';
export * from './recurring-sweep.js';
