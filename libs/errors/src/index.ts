export * from './domain.error.js';
export * from './dependency-errors.js';
