import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { pgConnectionOptions } from './pg-connection.js';
import { databaseNameOf } from './sql-identifier.js';

export interface AppliedMigration {
  name: string;
  applied: boolean;
}

// Same shape as the table `prisma migrate deploy` keeps, so the native engine can take over.
const MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

// Any constant works; it only keeps two starters from migrating the same database at once.
const MIGRATION_LOCK_KEY = 72_707_369;

/** Creates the database when missing, then applies every migration folder not yet recorded, in name order. */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir: string,
  caCertFile?: string,
): Promise<AppliedMigration[]> {
  await createDatabaseIfMissing(databaseUrl, caCertFile);
  const client = new pg.Client(pgConnectionOptions({ url: databaseUrl, caCertFile }));
  // A lost connection also fails the query in flight, which is what reports it; unheard, the event would crash the starter.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE);
    const done = await client.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Map(done.rows.map((row) => [row.migration_name, row.checksum]));
    const results: AppliedMigration[] = [];
    for (const name of await migrationNames(migrationsDir)) {
      const sql = await readFile(join(migrationsDir, name, 'migration.sql'), 'utf8');
      const checksum = createHash('sha256').update(sql).digest('hex');
      const known = applied.get(name);
      if (known !== undefined) {
        if (known !== checksum)
          throw new Error(`Migration ${name} was changed after it was applied (checksum differs)`);
        results.push({ name, applied: false });
        continue;
      }
      await applyOne(client, name, sql, checksum);
      results.push({ name, applied: true });
    }
    return results;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

async function applyOne(client: pg.Client, name: string, sql: string, checksum: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(sql);
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), 1)`,
      [randomUUID(), checksum, name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new Error(`Migration ${name} failed: ${(error as Error).message}`, { cause: error });
  }
}

async function migrationNames(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function createDatabaseIfMissing(databaseUrl: string, caCertFile?: string): Promise<void> {
  const database = databaseNameOf(databaseUrl);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client(pgConnectionOptions({ url: adminUrl.toString(), caCertFile }));
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount) return;
    // CREATE DATABASE takes no parameters; the name is validated to a plain identifier first.
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,62}$/.test(database)) throw new Error(`Unexpected database name ${database}`);
    await admin.query(`CREATE DATABASE "${database}"`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // created concurrently by another starter
    });
  } finally {
    await admin.end();
  }
}
