import { applyMigrations } from '@platform/database';
import { loadConfigOrExit } from '@platform/config';

const config = loadConfigOrExit('control-plane');
const results = await applyMigrations(config.database.url, 'prisma/migrations', config.database.caCertFile);
for (const migration of results) console.log(`${migration.applied ? 'applied ' : 'up to date'} ${migration.name}`);
