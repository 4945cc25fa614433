export * from './edge.module.js';
export * from './edge-server.js';
export * from './workload.fast-path.js';
