export * from './route-events.js';
export * from './route-resolver.js';
export * from './routes.repository.js';
export * from './routing.module.js';
export * from './route-cache.js';
export * from './tenant-site.js';
