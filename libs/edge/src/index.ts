export * from './edge.module.js';
export * from './edge-server.js';
