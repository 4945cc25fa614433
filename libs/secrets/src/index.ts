export * from './bearer-secret.js';
