export * from './operator.js';
export * from './operator-auth.guard.js';
export * from './operator-auth.module.js';
export * from './operator-tokens.service.js';
export * from './issue-once.js';
