import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pgConnectionOptions } from '@platform/database';
import { spawnApp, stopProcess, waitForHttp } from '../scripts/platform-processes.js';
import { PrivatePostgres } from './support/private-services.js';
import { edgeRequest, freePorts } from './support/stack.js';

/** A CA and a server certificate it signed, for `pg.example` (not for 127.0.0.1, where the server listens). */
function certificates(dir: string): { caFile: string; otherCaFile: string; certPem: string; keyPem: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  for (const ca of ['ca', 'other-ca'])
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      `/CN=${ca}`,
      '-keyout',
      `${ca}.key`,
      '-out',
      `${ca}.crt`,
    );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=pg.example',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
  );
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:pg.example\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    'san.ext',
    '-out',
    'server.crt',
  );
  return {
    caFile: join(dir, 'ca.crt'),
    otherCaFile: join(dir, 'other-ca.crt'),
    certPem: readFileSync(join(dir, 'server.crt'), 'utf8'),
    keyPem: readFileSync(join(dir, 'server.key'), 'utf8'),
  };
}

/** A real handshake with a Postgres server that accepts TLS connections only, as Cloud SQL can be told to. */
describe('TLS to Postgres', () => {
  const dir = mkdtempSync(join(tmpdir(), 'platform-tls-'));
  let postgres: PrivatePostgres;
  let files: ReturnType<typeof certificates>;
  let base = '';

  beforeAll(async () => {
    files = certificates(dir);
    const [port] = await freePorts(1);
    postgres = await PrivatePostgres.start(port!, { tls: files });
    base = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  }, 60_000);

  afterAll(() => {
    postgres?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const connect = async (options: pg.ClientConfig): Promise<string> => {
    const client = new pg.Client({ ...options, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
      const row = await client.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()');
      return row.rows[0]?.ssl ? 'tls' : 'plain';
    } catch (error) {
      return `refused: ${(error as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  const via = (url: string, caCertFile?: string) => connect(pgConnectionOptions({ url, caCertFile }));

  it('connects with sslmode=require and no CA, where node-postgres alone would demand a verified certificate', async () => {
    expect(await via(`${base}?sslmode=require`)).toBe('tls');
    expect(await connect({ connectionString: `${base}?sslmode=require` })).toMatch(/^refused: .*certificate/);
  });

  it('verifies the chain against DATABASE_CA_CERT_FILE (verify-ca), and the host name too with verify-full', async () => {
    expect(await via(`${base}?sslmode=verify-ca`, files.caFile)).toBe('tls');
    expect(await via(`${base}?sslmode=require`, files.caFile)).toBe('tls');
    expect(await via(`${base}?sslmode=verify-ca`, files.otherCaFile)).toMatch(/^refused: .*certificate/);
    // The certificate names pg.example, not 127.0.0.1.
    expect(await via(`${base}?sslmode=verify-full`, files.caFile)).toMatch(/^refused: .*(altnames|Hostname)/i);
    expect(await via(`${base}?sslmode=disable`)).toMatch(/^refused: .*(no encryption|pg_hba)/);
  });

  it("opens an app's Prisma pool over verified TLS (its readiness check)", async () => {
    const [port] = await freePorts(1);
    const env = {
      DATABASE_URL: `${base}?sslmode=verify-ca`,
      DATABASE_CA_CERT_FILE: files.caFile,
      EDGE_SIGNING_SECRET: randomBytes(32).toString('hex'),
      COUNTER_PORT: String(port),
      LOG_LEVEL: 'warn',
    };
    const counter = spawnApp('counter', { env });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/ready`, 30_000);
      const ready = await edgeRequest(`http://127.0.0.1:${port}`, '127.0.0.1', '/ready');
      expect(JSON.parse(ready.text)).toEqual({ status: 'ok', checks: { postgres: 'ok' } });
    } finally {
      await stopProcess(counter);
    }
  }, 60_000);
});
