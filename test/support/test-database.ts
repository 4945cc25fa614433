import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';

/** The machine's shared Postgres server, as its superuser. */
export const PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database, its silo tenants' databases and the tenant roles made for it (databases and
 * roles are global to the server; silo databases first, as objects in them belong to those roles).
 */
export async function dropTestDatabase(name: string): Promise<void> {
  if (!/^pt_[0-9a-f]+$/.test(name)) throw new Error(`Not a test database: ${name}`);
  const tag = createHash('sha256').update(name).digest('hex').slice(0, 8);
  await withAdmin(async (client) => {
    const silos = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 't\\_%' AND datname LIKE $1`,
      [`%\\_d${tag}`],
    );
    for (const { datname } of silos.rows)
      await client.query(`DROP DATABASE IF EXISTS "${datname.replaceAll('"', '""')}" WITH (FORCE)`);
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    const roles = await client.query<{ rolname: string }>(
      // Tenant roles `..._r<tag>` and their login roles `..._r<tag>_l`, logins first.
      `SELECT rolname FROM pg_roles WHERE rolname LIKE 't\\_%' AND (rolname LIKE $1 OR rolname LIKE $2)
        ORDER BY rolname LIKE $2 DESC`,
      [`%\\_r${tag}`, `%\\_r${tag}\\_l`],
    );
    for (const { rolname } of roles.rows) await client.query(`DROP ROLE IF EXISTS "${rolname.replaceAll('"', '""')}"`);
  });
}

const LEFTOVER_AFTER_SECONDS = 3 * 60 * 60;

/** `pt_` + creation time (8 hex digits of Unix seconds) + 6 random hex digits. */
export function newTestDatabaseName(): string {
  return `pt_${Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0')}${randomBytes(3).toString('hex')}`;
}

/** Databases of crashed runs: old enough that no run still in progress can own them. */
export async function leftoverTestDatabases(): Promise<string[]> {
  const now = Date.now() / 1000;
  return withAdmin(async (client) => {
    const rows = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ '^pt_[0-9a-f]+$'`,
    );
    return rows.rows
      .map((row) => row.datname)
      .filter((name) => name.length !== 17 || now - parseInt(name.slice(3, 11), 16) > LEFTOVER_AFTER_SECONDS);
  });
}
