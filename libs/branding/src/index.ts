export * from './asset-store.js';
export * from './branding-bundle.js';
export * from './branding.pages.js';
export * from './branding.types.js';
export * from './logo.validator.js';
export * from './bucket-asset-store.js';
