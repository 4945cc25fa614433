import { parseConfig } from '@platform/config';
import { Stack, edgeRequest, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

// The documented contract (README), stated here rather than imported from the code under test.
const LOGO_LIMIT_BYTES = 256 * 1024;
const HSTS_MAX_AGE_S = 31_536_000;
const PLATFORM_QUEUES = ['provisioning', 'data-ingestion'];

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start(['control-plane', 'provisioner', 'edge'], { HSTS_MAX_AGE_S: String(HSTS_MAX_AGE_S) });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('a hostile logo of allowed size', () => {
  // Former regular expressions back-tracked on a long run of letters: minutes of a frozen event loop.
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">' +
    `<path d="M0 0" fill="${'a'.repeat(LOGO_LIMIT_BYTES - 200)}x(1)"/></svg>`;

  it('is refused within 2 s with a 4xx while /health answers within 1 s', async () => {
    expect(Buffer.byteLength(svg)).toBeLessThanOrEqual(LOGO_LIMIT_BYTES);
    const slug = uniqueSlug('slowlogo');
    const body = aTenant({
      slug,
      branding: {
        primaryColor: '#3366cc',
        logo: { contentType: 'image/svg+xml', base64: Buffer.from(svg).toString('base64') },
      },
    });
    const onboarding = timed(() => stack.api('POST', '/v1/tenants', { body, headers: { 'idempotency-key': slug } }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const health = await timed(() => fetch(`${stack.controlPlaneUrl}/health`));
    const refused = await onboarding;

    expect(health.value.status).toBe(200);
    expect(health.ms).toBeLessThan(1000);
    expect(refused.value.status).toBe(422);
    expect(refused.value.body).toMatchObject({ error: 'InvalidBranding' });
    expect(JSON.stringify(refused.value.body.details)).toContain('x() is not allowed');
    expect(refused.ms).toBeLessThan(2000);
    expect(await stack.pg('SELECT 1 FROM "Tenant" WHERE slug = $1', [slug])).toHaveLength(0);
  });
});

/** Asserts the framing, form and base rules every HTML page must carry, and nosniff. */
function expectPageSecurityHeaders(headers: Headers): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/form-action '(none|self)'/);
  expect(csp).toMatch(/base-uri '(none|self)'/);
  expect(headers.get('x-content-type-options')).toBe('nosniff');
}

function basicAuth(token: string): string {
  return `Basic ${Buffer.from(`on-call:${token}`).toString('base64')}`;
}

describe('security headers on every HTML page', () => {
  it('the control plane: Swagger UI at /docs, the queue dashboard and the console, with HSTS when configured', async () => {
    const docs = await fetch(`${stack.controlPlaneUrl}/docs`);
    const dashboard = await fetch(`${stack.controlPlaneUrl}/admin/queues`, {
      headers: { authorization: basicAuth(stack.adminToken) },
    });

    const consolePage = await fetch(`${stack.controlPlaneUrl}/console/`);

    for (const page of [docs, dashboard, consolePage]) {
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expectPageSecurityHeaders(page.headers);
      expect(page.headers.get('strict-transport-security')).toBe(`max-age=${HSTS_MAX_AGE_S}`);
    }
  });

  it('the edge: a branded landing page, its suspended 503 page and the 404 pages', async () => {
    const slug = uniqueSlug('headers');
    expect((await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) })).status).toBe(202);
    await stack.waitForReady(slug);
    const host = `${slug}.localhost`;

    const landing = await stack.edge(host, '/');
    const unknownHost = await stack.edge(`${uniqueSlug('nobody')}.localhost`, '/');
    const missingAsset = await stack.edge(host, '/assets/missing-0000.css');
    expect([landing.status, unknownHost.status, missingAsset.status]).toEqual([200, 404, 404]);
    for (const page of [landing, unknownHost, missingAsset]) {
      expect(page.headers.get('content-type')).toContain('text/html');
      expectPageSecurityHeaders(page.headers);
      expect(page.headers.get('strict-transport-security')).toBe(`max-age=${HSTS_MAX_AGE_S}`);
    }

    expect((await stack.api('POST', `/v1/tenants/${slug}/suspend`)).status).toBe(202);
    await stack.waitForTenant(slug, (tenant) => tenant.status?.phase === 'Suspended');
    let suspended = await stack.edge(host, '/');
    for (let tries = 0; suspended.status !== 503 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      suspended = await stack.edge(host, '/');
    }
    expect(suspended.status).toBe(503);
    expectPageSecurityHeaders(suspended.headers);
  });

  it('HSTS is off unless configured (plain HTTP locally)', () => {
    expect(parseConfig('control-plane', {}).security.hstsMaxAgeSeconds).toBe(0);
  });
});

describe('the queue dashboard', () => {
  const retryFailed = '/admin/queues/api/queues/provisioning/retry/failed';

  async function auditedQueueChanges(): Promise<
    { actor: { name: string }; details: { method: string; path: string } }[]
  > {
    const events = await stack.api('GET', '/v1/audit-events?limit=100&targetId=provisioning');
    return events.body.items.filter((event: { action: string }) => event.action === 'queue.change');
  }

  function dashboardCall(headers: Record<string, string>) {
    return edgeRequest(stack.controlPlaneUrl, `127.0.0.1:${stack.env.CONTROL_PLANE_PORT}`, retryFailed, {
      method: 'PUT',
      headers: { authorization: basicAuth(stack.adminToken), ...headers },
    });
  }

  it('shows every queue the platform runs', async () => {
    const queues = await fetch(`${stack.controlPlaneUrl}/admin/queues/api/queues`, {
      headers: { authorization: basicAuth(stack.adminToken) },
    });
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((queue) => queue.name);
    expect(names.sort()).toEqual([...PLATFORM_QUEUES].sort());
  });

  it.each([
    ['a cross-site request', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }],
    ['a same-site request from a sibling host', { 'sec-fetch-site': 'same-site', origin: 'http://evil.localhost' }],
    ['a request from another origin (no Sec-Fetch-Site)', { origin: 'https://evil.example' }],
    ['a request with no origin evidence at all', {}],
  ])('refuses %s to change a queue with 403 and audits nothing', async (_, headers) => {
    const before = (await auditedQueueChanges()).length;
    const refused = await dashboardCall(headers);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'Forbidden' });
    expect(await auditedQueueChanges()).toHaveLength(before);
  });

  it.each([
    ['the dashboard page (Sec-Fetch-Site: same-origin)', () => ({ 'sec-fetch-site': 'same-origin' })],
    ['an Origin equal to its own', () => ({ origin: stack.controlPlaneUrl })],
    ['a script sending X-Requested-By', () => ({ 'x-requested-by': 'runbook' })],
  ])('accepts a change from %s and writes who and what to the audit log', async (_, headersOf) => {
    const before = (await auditedQueueChanges()).length;
    const accepted = await dashboardCall(headersOf());
    expect(accepted.status).toBe(200);
    const changes = await auditedQueueChanges();
    expect(changes).toHaveLength(before + 1);
    expect(changes[0]).toMatchObject({
      actor: { name: 'bootstrap-admin' },
      details: { method: 'PUT', path: retryFailed },
    });
  });
});
