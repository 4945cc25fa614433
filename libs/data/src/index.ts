export * from './data.module.js';
export * from './measurement-queries.js';
export * from './measurement-row.js';
export * from './measurements.service.js';
export * from './record-row.js';
export * from './records.service.js';
export * from './request-body.js';
export * from './streamed-bodies.js';
