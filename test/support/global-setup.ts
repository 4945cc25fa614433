import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';
import { REDIS_URL } from './stack.js';
import { PG_ADMIN_URL, dropTestDatabase, leftoverTestDatabases } from './test-database.js';

/** E2E tests run the compiled apps against this machine's real Postgres and Redis. */
export default async function globalSetup(): Promise<void> {
  if (!existsSync('dist/apps/control-plane/src/main.js')) {
    throw new Error('dist/ is missing: run `npm test` (it builds first) or `npm run build`');
  }
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect().catch((error: Error) => {
    throw new Error(`PostgreSQL is not reachable on 127.0.0.1:5432 (${error.message}); see README "Requirements"`);
  });
  await client.end();
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect().catch((error: Error) => {
    throw new Error(`Redis is not reachable on 127.0.0.1:6379 (${error.message}); see README "Requirements"`);
  });
  redis.disconnect();
  for (const name of await leftoverTestDatabases()) await dropTestDatabase(name);
}
