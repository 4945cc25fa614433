import { request } from 'node:http';
import { signEdgeContext } from '@platform/tenant-auth';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack, edgeRequest } from './support/stack.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const SHUTDOWN_DELAY_MS = 1_500;

/**
 * A rollout as Kubernetes does it: SIGTERM, readiness fails, the load balancer stops sending after
 * a couple of failed probes, the app keeps serving for SHUTDOWN_DELAY_MS, then drains what is in flight.
 */
describe('A SIGTERM drain', () => {
  let stack: Stack;
  let tenant: TenantWithKey;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'counter', 'data-api'], {
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
    });
    tenant = await onboardWithKey(stack, 'drain');
  }, 60_000);

  afterAll(() => stack.stop());

  const signAs = () => ({ secret: stack.env.EDGE_SIGNING_SECRET!, tenantId: tenant.tenantId, tenantSlug: tenant.slug });
  const readiness = (port: string) =>
    edgeRequest(`http://127.0.0.1:${port}`, '127.0.0.1', '/ready').then((answer) => answer.status);

  it('turns unready at once, answers no 5xx under load, and exits 0 once drained', async () => {
    const counterUrl = `http://127.0.0.1:${stack.env.COUNTER_PORT}`;
    const clients = Array.from(
      { length: 6 },
      () => new CallerConnection(counterUrl, tenant.host, tenant.key, signAs()),
    );
    const statuses: number[] = [];
    const failures: string[] = [];
    let inRotation = true;
    let servedAfterSignal = 0;
    let signalledAt = 0;
    const load = clients.map(async (client) => {
      while (inRotation) {
        try {
          const answer = await client.request('/v1/counters/drain/next', { method: 'POST' });
          statuses.push(answer.status);
          if (signalledAt && answer.status === 200) servedAfterSignal++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    });
    // The load balancer: takes the replica out after two failed probes 200 ms apart.
    const balancer = (async () => {
      let failed = 0;
      while (failed < 2) {
        await sleep(200);
        failed = (await readiness(stack.env.COUNTER_PORT!).catch(() => 503)) === 503 ? failed + 1 : 0;
      }
      inRotation = false;
    })();

    await sleep(1_000);
    const counter = stack.processes.get('counter')!;
    const exited = new Promise<number | null>((resolve) => counter.once('exit', (code) => resolve(code)));
    signalledAt = Date.now();
    counter.kill('SIGTERM');
    await sleep(100);
    expect(await readiness(stack.env.COUNTER_PORT!)).toBe(503);
    await balancer;
    await Promise.all(load);
    await Promise.all(clients.map((client) => client.close()));

    expect(failures).toEqual([]);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    expect(statuses.length).toBeGreaterThan(100);
    // It kept serving while unready, until the balancer stopped sending.
    expect(servedAfterSignal).toBeGreaterThan(0);
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(SHUTDOWN_DELAY_MS - 100);
    stack.processes.delete('counter');
  }, 60_000);

  it('lets a request in flight when the server stops accepting finish, with its rows stored', async () => {
    const dataApi = stack.processes.get('data-api')!;
    const exited = new Promise<number | null>((resolve) => dataApi.once('exit', (code) => resolve(code)));
    const headers = {
      ...signEdgeContext(stack.env.EDGE_SIGNING_SECRET!, { tenantId: tenant.tenantId, tenantSlug: tenant.slug }),
      authorization: `Bearer ${tenant.key}`,
      'content-type': 'application/x-ndjson',
      host: tenant.host,
    };
    const line = (i: number) =>
      `${JSON.stringify({ source: 'drain', metric: 'm', ts: new Date(Date.UTC(2026, 10, 25, 0, i)).toISOString(), value: i })}\n`;
    const upload = request(`http://127.0.0.1:${stack.env.DATA_API_PORT}/v1/measurements`, { method: 'POST', headers });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      upload.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      upload.on('error', reject);
    });
    upload.write(line(0));
    await sleep(300);
    dataApi.kill('SIGTERM');
    // Past the delay: the server no longer accepts connections, yet this upload is still open.
    await sleep(SHUTDOWN_DELAY_MS + 700);
    await expect(readiness(stack.env.DATA_API_PORT!)).rejects.toThrow(/ECONNREFUSED/);
    for (let i = 1; i < 10; i++) upload.write(line(i));
    upload.end();

    const answer = await answered;
    expect(answer.status).toBeLessThan(300);
    expect(await exited).toBe(0);
    stack.processes.delete('data-api');
    const schema = `t_${tenant.slug.replaceAll('-', '_')}`;
    const rows = await stack.pg<{ count: string }>(
      `SELECT count(*) FROM "${schema}".measurements WHERE source = 'drain'`,
    );
    expect(Number(rows[0]!.count)).toBe(10);
  }, 60_000);
});
