import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';

const PG_BIN = '/usr/lib/postgresql/15/bin';

function postgresUid(): number {
  return Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
}

/** Postgres refuses to run as root, so under root the private cluster runs as the `postgres` user. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

/**
 * A Postgres server of this test's own on a free port, so a fault test can stop and restart it
 * without touching the server every other test file is using at the same time.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly settings = '',
  ) {}

  /**
   * With `passwords`, every user but `postgres` must prove its password (SCRAM), as on Cloud SQL;
   * otherwise everyone is trusted, like this machine's server.
   */
  static async start(
    port: number,
    options: { passwords?: boolean; tls?: { certPem: string; keyPem: string } } = {},
  ): Promise<PrivatePostgres> {
    const dir = mkdtempSync(join(tmpdir(), 'platform-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, postgresUid(), 0);
    const [command, args] = asPostgresUser(`${PG_BIN}/initdb`, [
      '-D',
      join(dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
    ]);
    execFileSync(command, args, { stdio: 'ignore' });
    if (options.passwords)
      writeFileSync(
        join(dir, 'data', 'pg_hba.conf'),
        'local all postgres trust\nhost all postgres 127.0.0.1/32 trust\nhost all all 127.0.0.1/32 scram-sha-256\n',
      );
    let settings = '';
    if (options.tls) {
      // TLS only: a plain-text connection is rejected, so a test can tell which one it got.
      for (const [name, pem] of [
        ['server.crt', options.tls.certPem],
        ['server.key', options.tls.keyPem],
      ] as const) {
        writeFileSync(join(dir, 'data', name), pem, { mode: 0o600 });
        if (process.getuid?.() === 0) chownSync(join(dir, 'data', name), postgresUid(), 0);
      }
      writeFileSync(
        join(dir, 'data', 'pg_hba.conf'),
        'local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n',
      );
      settings = ' -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key';
    }
    const server = new PrivatePostgres(port, dir, settings);
    await server.up();
    return server;
  }

  get url(): string {
    return `postgresql://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async up(): Promise<void> {
    this.pgCtl([
      'start',
      '-w',
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off${this.settings}`,
    ]);
    await waitUntil(async () => {
      const client = new pg.Client({ host: this.dir, port: this.port, user: 'postgres', database: 'postgres' });
      await client.connect();
      await client.end();
    });
  }

  down(): void {
    this.pgCtl(['stop', '-m', 'fast', '-w']);
  }

  destroy(): void {
    try {
      this.down();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pgCtl(args: string[]): void {
    const [command, full] = asPostgresUser(`${PG_BIN}/pg_ctl`, [
      '-D',
      join(this.dir, 'data'),
      '-l',
      join(this.dir, 'log'),
      ...args,
    ]);
    execFileSync(command, full, { stdio: 'ignore' });
  }
}

/** A Redis server of this test's own, for the same reason. */
export class PrivateRedis {
  private process?: ChildProcess;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.process = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    await waitUntil(async () => {
      const client = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
        await client.ping();
      } finally {
        client.disconnect();
      }
    });
  }

  async down(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => {
      child.once('exit', resolve);
      child.kill('SIGKILL');
    });
  }
}

async function waitUntil(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
