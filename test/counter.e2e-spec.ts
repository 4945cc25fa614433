import type { ChildProcess } from 'node:child_process';
import { quoteIdent, tenantDatabaseNames } from '@platform/database';
import { spawnApp, stopProcess, waitForHttp } from '../scripts/platform-processes.js';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { problemsIn } from './counter.support.js';
import { Stack, freePorts } from './support/stack.js';

// Small leases make the replicas go back to Postgres often, which is where a duplicate could hide.
const LEASE_SIZE = '100';

async function drive(connection: CallerConnection, prefix: string, name: string, calls: number): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < calls; i++) values.push(await connection.next(prefix, name));
  return values;
}

describe('Sequence counter under concurrency, replicas and crashes', () => {
  let stack: Stack;
  let tenant: TenantWithKey;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter'], { COUNTER_LEASE_SIZE: LEASE_SIZE });
    tenant = await onboardWithKey(stack, 'count');
  }, 90_000);

  afterAll(() => stack.stop());

  const viaEdge = () => new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);

  it('gives two concurrent clients 10,000 values each through the edge, 20,000 distinct', async () => {
    const clients = [viaEdge(), viaEdge()];
    const values = await Promise.all(clients.map((client) => drive(client, '/api/counter', 'orders', 10_000)));
    await Promise.all(clients.map((client) => client.close()));

    expect(values.flat()).toHaveLength(20_000);
    expect(new Set(values.flat()).size).toBe(20_000);
    expect(problemsIn(values)).toEqual({ duplicates: [], nonIncreasing: 0 });
  }, 120_000);

  describe('with a second counter replica', () => {
    let replica: ChildProcess;
    let replicaUrl: string;

    beforeAll(async () => {
      const port = (await freePorts(1))[0]!;
      replicaUrl = `http://127.0.0.1:${port}`;
      replica = spawnApp('counter', { env: { ...stack.env, COUNTER_PORT: String(port) } });
      await waitForHttp(`${replicaUrl}/health`);
    }, 30_000);

    afterAll(() => stopProcess(replica));

    it('never serves the same value from both replicas at once', async () => {
      const signAs = { secret: stack.env.EDGE_SIGNING_SECRET!, tenantId: tenant.tenantId, tenantSlug: tenant.slug };
      const first = `http://127.0.0.1:${stack.env.COUNTER_PORT}`;
      const connections = [first, replicaUrl, first, replicaUrl].map(
        (url) => new CallerConnection(url, tenant.host, tenant.key, signAs),
      );
      const values = await Promise.all(connections.map((connection) => drive(connection, '', 'invoices', 2_500)));
      await Promise.all(connections.map((connection) => connection.close()));

      expect(new Set(values.flat()).size).toBe(10_000);
      expect(problemsIn(values)).toEqual({ duplicates: [], nonIncreasing: 0 });
    }, 120_000);
  });

  it('never repeats a value when the counter is killed with SIGKILL mid-load and started again', async () => {
    const clients = [viaEdge(), viaEdge()];
    const values: number[][] = [[], []];
    let stop = false;
    const load = clients.map(async (client, index) => {
      while (!stop) {
        // While the counter is down the edge answers 502; a client keeps trying, as a real one would.
        const value = await client.next('/api/counter', 'tickets').catch(() => null);
        if (value === null) await new Promise((resolve) => setTimeout(resolve, 20));
        else values[index]!.push(value);
      }
    });
    const seen = () => values[0]!.length + values[1]!.length;
    const waitFor = async (count: number) => {
      while (seen() < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };

    await waitFor(1_500);
    await stack.stopApp('counter', 'SIGKILL');
    const beforeRestart = seen();
    await stack.startApp('counter');
    await waitFor(beforeRestart + 1_500);
    stop = true;
    await Promise.all(load);
    await Promise.all(clients.map((client) => client.close()));

    expect(problemsIn(values)).toEqual({ duplicates: [], nonIncreasing: 0 });
    const { schema } = tenantDatabaseNames(tenant.slug, stack.databaseName);
    const [row] = await stack.pg<{ next: string }>(
      `SELECT next FROM ${quoteIdent(schema)}.counters WHERE name = 'tickets'`,
    );
    // Everything served lies below what Postgres says was leased: a restart can only continue above it.
    expect(Math.max(...values.flat())).toBeLessThan(Number(row!.next));
  }, 120_000);
});
