export * from './database.module.js';
export * from './prisma.service.js';
export * from './sql-identifier.js';
export * from './migration.runner.js';
export { Prisma } from './generated/client.js';
export type * from './generated/client.js';
export * from './generated/enums.js';
export * from './tenant-database-names.js';
export * from './tenant-sql.service.js';
