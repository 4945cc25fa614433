export * from './trace-carrier.js';
