export * from './fast-path.js';
export * from './http-app.factory.js';
export * from './http-error.mapping.js';
export * from './http-exception.filter.js';
export * from './openapi.js';
export * from './zod-body.pipe.js';
export * from './security-headers.js';
