import { connect } from 'node:net';
import { CallerConnection, onboardWithKey } from './support/tenant-caller.js';
import { scrape, valueOf } from './support/metrics.js';
import { Stack, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

describe('Operating the platform: metrics, request ids and JSON logs', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api'], { LOG_LEVEL: 'debug' });
  }, 90_000);

  afterAll(() => stack.stop());

  it('counts requests by route template and status, and provisioning jobs by outcome', async () => {
    const slug = uniqueSlug('metrics');
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    await stack.waitForReady(slug);
    await stack.api('GET', '/v1/tenants/does-not-exist');

    const controlPlane = await scrape(`${stack.controlPlaneUrl}/metrics`);
    expect(
      valueOf(controlPlane, 'http_requests_total', {
        method: 'POST',
        route: '/v1/tenants',
        status: '202',
        app: 'control-plane',
      }),
    ).toBeGreaterThan(0);
    expect(
      valueOf(controlPlane, 'http_requests_total', {
        method: 'GET',
        route: '/v1/tenants/:ref',
        status: '404',
        app: 'control-plane',
      }),
    ).toBeGreaterThan(0);
    expect(controlPlane).not.toContain(slug);

    const provisioner = await scrape(`http://127.0.0.1:${stack.env.PROVISIONER_PORT}/metrics`);
    expect(
      valueOf(provisioner, 'provisioning_jobs_total', { kind: 'provision', outcome: 'converged', app: 'provisioner' }),
    ).toBeGreaterThan(0);
    expect(
      valueOf(provisioner, 'provisioning_job_duration_seconds_count', {
        kind: 'provision',
        outcome: 'converged',
        app: 'provisioner',
      }),
    ).toBeGreaterThan(0);
    expect(valueOf(provisioner, 'tenants', { phase: 'Ready', app: 'provisioner' })).toBeGreaterThan(0);
    expect(
      valueOf(provisioner, 'provisioning_change_to_converged_seconds_count', { kind: 'provision', app: 'provisioner' }),
    ).toBeGreaterThan(0);
    expect(
      valueOf(provisioner, 'provisioning_queue_oldest_waiting_seconds', { app: 'provisioner' }),
    ).toBeGreaterThanOrEqual(0);
  });

  it('counts counter values issued, without a tenant label', async () => {
    const tenant = await onboardWithKey(stack, 'issued');
    const caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
    try {
      const block = await caller.request<{ first: number; last: number }>(
        '/api/counter/v1/counters/orders/next?count=5',
        { method: 'POST' },
      );
      expect(block.status).toBe(200);
    } finally {
      await caller.close();
    }
    const counter = await scrape(`http://127.0.0.1:${stack.env.COUNTER_PORT}/metrics`);
    expect(valueOf(counter, 'counter_values_issued_total', { app: 'counter' })).toBeGreaterThanOrEqual(5);
    expect(valueOf(counter, 'counter_leases_total', { app: 'counter' })).toBeGreaterThanOrEqual(1);
    expect(counter).not.toContain(tenant.slug);
  });

  it('does not log a server error when a caller hangs up in the middle of an upload', async () => {
    const tenant = await onboardWithKey(stack, 'hangup');
    const errorsBefore = stack.logs.filter((line) => line.includes('"level":50')).length;
    const socket = connect(Number(stack.env.EDGE_PORT), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      `POST /api/data/v1/measurements HTTP/1.1\r\nHost: ${tenant.host}\r\nAuthorization: Bearer ${tenant.key}\r\n` +
        'Content-Type: application/x-ndjson\r\nContent-Length: 1000000\r\n\r\n' +
        '{"source":"s","metric":"m","ts":"2026-01-01T00:00:00Z","value":1}\n'.repeat(100),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const errors = stack.logs.filter((line) => line.includes('"level":50')).slice(errorsBefore);
    expect(errors).toEqual([]);
  });

  it('names the tenant on the log lines of its requests at the edge and of its provisioning job', async () => {
    const slug = uniqueSlug('logged');
    const accepted = await stack.api<{ id: string }>('POST', '/v1/tenants', { body: aTenant({ slug }) });
    await stack.waitForReady(slug);
    expect((await stack.edge(`${slug}.localhost`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const entries = (app: string) =>
      stack.logs
        .filter((line) => line.startsWith(`[${app}] {`))
        .map((line) => JSON.parse(line.slice(app.length + 3)) as Record<string, unknown>);
    expect(entries('edge').find((entry) => entry.host === `${slug}.localhost`)).toMatchObject({
      tenantId: accepted.body.id,
    });
    expect(entries('provisioner').filter((entry) => entry.tenantId === accepted.body.id).length).toBeGreaterThan(0);
  });

  it("names a workload request's tenant only once the edge's signature is verified", async () => {
    const tenant = await onboardWithKey(stack, 'signed');
    const caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
    try {
      expect((await caller.request('/api/counter/v1/counters/logged/next', { method: 'POST' })).status).toBe(200);
    } finally {
      await caller.close();
    }
    const forged = await fetch(`http://127.0.0.1:${stack.env.COUNTER_PORT}/v1/counters/forged/next`, {
      method: 'POST',
      headers: { 'x-platform-tenant-id': tenant.tenantId },
    });
    expect(forged.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const counterLines = stack.logs
      .filter((line) => line.startsWith('[counter] {'))
      .map((line) => JSON.parse(line.slice('[counter] '.length)) as Record<string, unknown>);
    expect(counterLines.find((entry) => entry.url === '/v1/counters/logged/next')).toMatchObject({
      tenantId: tenant.tenantId,
    });
    expect(counterLines.find((entry) => entry.url === '/v1/counters/forged/next')).not.toHaveProperty('tenantId');
  });

  it('serves edge metrics on the apex host only, never on a tenant hostname', async () => {
    const apex = await stack.edge('localhost', '/metrics');
    expect(apex.status).toBe(200);
    expect(apex.text).toContain('http_requests_total');
    expect((await stack.edge('someone.localhost', '/metrics')).status).toBe(404);
  });

  it('echoes X-Request-Id and logs JSON lines that carry it, without credentials', async () => {
    const requestId = `req-${uniqueSlug()}`;
    const answer = await stack.api('GET', '/v1/tenants/nobody-here', { headers: { 'x-request-id': requestId } });
    expect(answer.headers.get('x-request-id')).toBe(requestId);
    await new Promise((resolve) => setTimeout(resolve, 200));

    const lines = stack.logs.filter((line) => line.startsWith('[control-plane] {'));
    expect(lines.length).toBeGreaterThan(0);
    const entries = lines.map((line) => JSON.parse(line.slice('[control-plane] '.length)) as Record<string, unknown>);
    expect(entries.find((entry) => entry.reqId === requestId)).toMatchObject({ app: 'control-plane', status: 404 });
    expect(stack.logs.join('\n')).not.toContain(stack.adminToken);
  });
});
