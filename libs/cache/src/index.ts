export * from './fresh-cache.js';
