import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations } from '@platform/database';
import type { TenantView } from '@platform/tenancy';
import { type PlatformApp, spawnApp, stopProcess, waitForHttp } from '../../scripts/platform-processes.js';
import { dropTestDatabase, newTestDatabaseName } from './test-database.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export interface HttpAnswer<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * One whole platform for one test file: its own database, queue prefix, asset folder and ports,
 * so files run in parallel without seeing each other.
 */
export class Stack {
  readonly processes = new Map<PlatformApp, ChildProcess>();
  readonly logs: string[] = [];

  private constructor(
    readonly env: Record<string, string>,
    readonly databaseName: string,
    readonly assetDir: string,
  ) {}

  static async start(
    apps: PlatformApp[] = ['control-plane', 'provisioner', 'edge'],
    extraEnv: Record<string, string> = {},
  ) {
    const databaseName = newTestDatabaseName();
    const assetDir = await mkdtemp(join(tmpdir(), 'platform-assets-'));
    const [controlPlane, edge, counter, dataApi, provisioner] = await freePorts(5);
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: `${extraEnv.PG_SERVER ?? 'postgresql://postgres@127.0.0.1:5432'}/${databaseName}`,
      REDIS_URL,
      QUEUE_PREFIX: databaseName,
      ASSET_DIR: assetDir,
      ADMIN_TOKEN: `adm_${randomBytes(24).toString('hex')}`,
      EDGE_SIGNING_SECRET: randomBytes(32).toString('hex'),
      CONTROL_PLANE_PORT: String(controlPlane),
      EDGE_PORT: String(edge),
      COUNTER_PORT: String(counter),
      DATA_API_PORT: String(dataApi),
      PROVISIONER_PORT: String(provisioner),
      COUNTER_URL: `http://127.0.0.1:${counter}`,
      DATA_API_URL: `http://127.0.0.1:${dataApi}`,
      RECONCILE_INTERVAL_MS: '1000',
      PROVISIONER_BACKOFF_MS: '200',
      PROVISIONER_LOCK_MS: '4000',
      EDGE_ROUTE_CACHE_MS: '30000',
      // Tests load tenants harder than any tier allows; those about limits set their own.
      RATE_LIMIT_STARTER_RPS: '1000000',
      RATE_LIMIT_STARTER_BURST: '1000000',
      RATE_LIMIT_BUSINESS_RPS: '1000000',
      RATE_LIMIT_BUSINESS_BURST: '1000000',
      EDGE_TENANT_MAX_IN_FLIGHT: '1000',
      ...extraEnv,
    };
    await applyMigrations(env.DATABASE_URL!, 'prisma/migrations');
    const stack = new Stack(env, databaseName, assetDir);
    try {
      await Promise.all(apps.map((app) => stack.startApp(app)));
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  get adminToken(): string {
    return this.env.ADMIN_TOKEN!;
  }

  get controlPlaneUrl(): string {
    return `http://127.0.0.1:${this.env.CONTROL_PLANE_PORT}`;
  }

  get edgeUrl(): string {
    return `http://127.0.0.1:${this.env.EDGE_PORT}`;
  }

  async startApp(app: PlatformApp): Promise<void> {
    const child = spawnApp(app, { env: this.env, onLine: (name, line) => this.logs.push(`[${name}] ${line}`) });
    this.processes.set(app, child);
    // Generous: on a loaded 2-core machine a cold Nest boot has taken more than 30 s.
    await waitForHttp(this.healthUrl(app), 60_000, app === 'edge' ? { host: 'localhost' } : {}).catch(
      (error: Error) => {
        throw new Error(`${app}: ${error.message}\n${this.logs.slice(-30).join('\n')}`);
      },
    );
  }

  async stopApp(app: PlatformApp, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.processes.get(app);
    if (child) await stopProcess(child, signal);
    this.processes.delete(app);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.processes.keys()].map((app) => this.stopApp(app)));
    await dropTestDatabase(this.databaseName);
    await rm(this.assetDir, { recursive: true, force: true });
  }

  /**
   * Calls the admin API as the seeded admin unless another token (or none) is given. The default
   * body type is loose on purpose: tests read answers field by field and assert them with matchers.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async api<T = any>(
    method: string,
    path: string,
    options: { body?: unknown; token?: string | null; headers?: Record<string, string>; rawBody?: string } = {},
  ): Promise<HttpAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const token = options.token === undefined ? this.adminToken : options.token;
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] = 'application/json';
    }
    return answerOf(await fetch(`${this.controlPlaneUrl}${path}`, { method, headers, body }));
  }

  /** Calls the edge as a browser would on a tenant's hostname. */
  async edge(
    host: string,
    path = '/',
    options: { method?: string; headers?: Record<string, string>; body?: string } = {},
  ) {
    return edgeRequest(this.edgeUrl, host, path, options);
  }

  async pg<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async waitForTenant(ref: string, until: (tenant: TenantView) => boolean, timeoutMs = 30_000): Promise<TenantView> {
    const deadline = Date.now() + timeoutMs;
    let last: TenantView | undefined;
    while (Date.now() < deadline) {
      last = (await this.api<TenantView>('GET', `/v1/tenants/${ref}`)).body;
      if (last && until(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `Tenant ${ref} did not reach the expected state: ${JSON.stringify(last?.status)}\n${this.logs.slice(-20).join('\n')}`,
    );
  }

  waitForReady(ref: string, timeoutMs?: number): Promise<TenantView> {
    return this.waitForTenant(
      ref,
      (tenant) => tenant.status?.phase === 'Ready' && tenant.status.observedGeneration === tenant.generation,
      timeoutMs,
    );
  }

  private healthUrl(app: PlatformApp): string {
    const port = {
      'control-plane': this.env.CONTROL_PLANE_PORT,
      provisioner: this.env.PROVISIONER_PORT,
      edge: this.env.EDGE_PORT,
      counter: this.env.COUNTER_PORT,
      'data-api': this.env.DATA_API_PORT,
    }[app];
    return `http://127.0.0.1:${port}/health`;
  }
}

/** fetch() cannot set Host, so the edge is called with node's http client. */
export async function edgeRequest(
  baseUrl: string,
  host: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer<string> & { raw: Buffer }> {
  const { request } = await import('node:http');
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: { ...options.headers, host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        resolve({ status: res.statusCode ?? 0, headers, body: raw.toString('utf8'), text: raw.toString('utf8'), raw });
      });
    });
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });
}

async function answerOf<T>(response: Response): Promise<HttpAnswer<T>> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON; keep the text
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(server)),
      );
    }),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

export function uniqueSlug(prefix = 't'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
