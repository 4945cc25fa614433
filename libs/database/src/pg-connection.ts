import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type pg from 'pg';

/** How to reach Postgres: the URL and, for TLS, the CA the server's certificate must chain to. */
export interface PgConnectionSettings {
  url: string;
  /** PEM file (DATABASE_CA_CERT_FILE); wins over the URL's `sslrootcert`. */
  caCertFile?: string;
}

export interface PgConnectionOptions {
  connectionString: string;
  ssl: false | ConnectionOptions;
}

// Removed from the URL: node-postgres would parse them again and override `ssl` (it reads
// `sslmode=require` as verify-full, unlike libpq).
const TLS_PARAMETERS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'sslnegotiation'];

/**
 * libpq's `sslmode` meanings, made explicit for node-postgres:
 * - absent or `disable`: no TLS (absent with a CA file: as `verify-ca`);
 * - `require`: encrypted; the certificate is not checked unless a CA file is given, then as `verify-ca`;
 * - `verify-ca`: the certificate must chain to the CA file (or a system CA); the host name is not checked;
 * - `verify-full`: as `verify-ca`, and the certificate must name the host in the URL.
 * Any other mode is refused, so a URL never silently means something stronger or weaker.
 */
export function pgConnectionOptions(
  settings: PgConnectionSettings,
  readFile: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): PgConnectionOptions {
  const url = new URL(settings.url);
  const mode = url.searchParams.get('sslmode') ?? (url.searchParams.get('ssl') === 'true' ? 'require' : null);
  const caFile = settings.caCertFile ?? url.searchParams.get('sslrootcert') ?? undefined;
  const certFile = url.searchParams.get('sslcert');
  const keyFile = url.searchParams.get('sslkey');
  for (const parameter of TLS_PARAMETERS) url.searchParams.delete(parameter);
  const connectionString = url.toString();
  if (mode === 'disable' || (mode === null && !caFile)) return { connectionString, ssl: false };
  const ca = caFile ? readFile(caFile) : undefined;
  const clientCertificate = certFile && keyFile ? { cert: readFile(certFile), key: readFile(keyFile) } : {};
  switch (mode ?? 'verify-ca') {
    case 'require':
      return ca
        ? { connectionString, ssl: { ca, ...clientCertificate, checkServerIdentity: () => undefined } }
        : { connectionString, ssl: { rejectUnauthorized: false, ...clientCertificate } };
    case 'verify-ca':
      return { connectionString, ssl: { ca, ...clientCertificate, checkServerIdentity: () => undefined } };
    case 'verify-full':
      return { connectionString, ssl: { ca, ...clientCertificate } };
    default:
      throw new Error(`sslmode=${mode} is not supported (use disable, require, verify-ca or verify-full)`);
  }
}

/**
 * A pg client whose connection dies (Postgres restarting, a database dropped) emits `'error'`; the
 * query in flight gets the error too, but an `'error'` no listener hears ends the process. The pool
 * listens only while a client is idle, and a client checked out by a library (Prisma's adapter,
 * `pool.query`) is covered only while that library expects it, so every client of the pool gets a
 * listener of its own for its whole life: what it hears is logged, and the pool replaces the client.
 */
export function hearLostConnections(pool: pg.Pool, warn: (message: string) => void, what = 'Postgres'): void {
  pool.on('error', (error) => warn(`Idle ${what} connection lost: ${error.message}`));
  pool.on('connect', (client) => {
    client.on('error', (error) => warn(`${what} connection lost: ${error.message}`));
  });
}
