import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { Pool } from 'undici';
import type { PlatformApp } from '../../scripts/platform-processes.js';
import type { Stack } from '../../test/support/stack.js';

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export function median(values: number[]): number {
  return percentile(values, 50);
}

/** `--tenants N` on the command line (`npm run bench:fleet -- --tenants 300`), else the default. */
export function tenantsFlag(argv: string[], fallback: number): number {
  const at = argv.indexOf('--tenants');
  if (at < 0) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--tenants needs a positive integer, got ${argv[at + 1]}`);
  return value;
}

/** Resident memory of each app process, in MiB, from /proc/<pid>/status. */
export async function residentMiB(stack: Stack): Promise<Map<PlatformApp, number>> {
  const sizes = new Map<PlatformApp, number>();
  for (const [app, child] of stack.processes) {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
    const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]);
    sizes.set(app, kib / 1024);
  }
  return sizes;
}

/** CPU time (user + system) each app process has used so far, in ms, from /proc/<pid>/stat. */
export async function cpuMs(stack: Stack): Promise<Map<PlatformApp, number>> {
  const used = new Map<PlatformApp, number>();
  for (const [app, child] of stack.processes) {
    const fields = (await readFile(`/proc/${child.pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of the line, counted in clock ticks of 10 ms.
    used.set(app, (Number(fields[11]) + Number(fields[12])) * 10);
  }
  return used;
}

/** Tenant roles are server-wide; this stack's carry its database's tag (see test/support/test-database.ts). */
function tenantRoleTag(databaseName: string): string {
  return createHash('sha256').update(databaseName).digest('hex').slice(0, 8);
}

export interface CatalogFigures {
  relations: number;
  catalogBytes: number;
  databaseBytes: number;
  roles: number;
  schemaDumpMs: number;
}

/** What the stack's database holds: relations, system catalog size, database size, server roles, dump time. */
export async function catalogFigures(stack: Stack): Promise<CatalogFigures> {
  const [row] = await stack.pg<{ relations: number; catalog: string; database: string; roles: number }>(
    `SELECT (SELECT count(*)::int FROM pg_class) AS relations,
            (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = 'pg_catalog' AND c.relkind = 'r') AS catalog,
            pg_database_size(current_database()) AS database,
            (SELECT count(*)::int FROM pg_roles WHERE rolname LIKE $1) AS roles`,
    [`t\\_%\\_r${tenantRoleTag(stack.databaseName)}`],
  );
  const started = performance.now();
  await promisify(execFile)('pg_dump', ['--schema-only', '--file=/dev/null', stack.env.DATABASE_URL!], {
    maxBuffer: 1 << 20,
  });
  return {
    relations: row!.relations,
    catalogBytes: Number(row!.catalog),
    databaseBytes: Number(row!.database),
    roles: row!.roles,
    schemaDumpMs: performance.now() - started,
  };
}

export interface TenantKey {
  slug: string;
  key: string;
}

export interface LoadFigures {
  requestsPerSecond: number;
  p99: number;
  non2xx: number;
}

/**
 * `connections` callers for `seconds` against the counter through the edge, each request on the next
 * tenant's key. One tenant goes through the same per-request hook, so autocannon (in this process, on
 * the same cores) does the same work per request in both runs and only the platform's side differs.
 */
export async function counterLoad(
  edgeUrl: string,
  tenants: TenantKey[],
  connections: number,
  seconds: number,
): Promise<LoadFigures> {
  let turn = 0;
  const headersOf = (tenant: TenantKey) => ({
    host: `${tenant.slug}.localhost`,
    authorization: `Bearer ${tenant.key}`,
  });
  const result = await autocannon({
    url: `${edgeUrl}/api/counter/v1/counters/fleet/next`,
    method: 'POST',
    headers: headersOf(tenants[0]!),
    connections,
    duration: seconds,
    requests: [{ setupRequest: (request) => ({ ...request, headers: headersOf(tenants[turn++ % tenants.length]!) }) }],
  });
  return { requestsPerSecond: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx };
}

export interface AdminCaller {
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; text: string }>;
  close(): Promise<void>;
}

/**
 * The admin API called through undici's request API on a pool of BURST connections, not `fetch`:
 * with `fetch` this process spent 0.9 ms of CPU per call, more than the control plane answering it
 * (0.8 ms), on the same two cores, and that showed in the latency measured.
 */
export function adminCaller(stack: Stack, connections: number): AdminCaller {
  const pool = new Pool(stack.controlPlaneUrl, { connections });
  const authorization = `Bearer ${stack.adminToken}`;
  return {
    async call(method, path, body, headers = {}) {
      const answer = await pool.request({
        method: method as 'GET',
        path,
        headers:
          body === undefined
            ? { ...headers, authorization }
            : { ...headers, authorization, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: answer.statusCode, text: await answer.body.text() };
    },
    close: () => pool.close(),
  };
}
