export * from './api-keys.service.js';
export * from './api-key.verifier.js';
export * from './edge-context.js';
export * from './tenant-auth.module.js';
export * from './tenant-caller.js';
export * from './tenant-caller.authenticator.js';
export * from './tenant-caller.guard.js';
export * from './tenant-tokens.service.js';
