import { signEdgeContext } from '@platform/tenant-auth';
import { scrape, valueOf } from './support/metrics.js';
import { type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack, edgeRequest } from './support/stack.js';

/**
 * The counter's `next` and the edge's relay of bodiless workload calls are answered before Fastify
 * once everything they need is in memory. What a caller sees must not depend on which path
 * answered: the first call of a key and counter takes the full route, the following ones do not.
 */
describe('Hot paths answered from memory', () => {
  let stack: Stack;
  let tenant: TenantWithKey;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter']);
    tenant = await onboardWithKey(stack, 'fast');
  }, 90_000);

  afterAll(() => stack.stop());

  const counterUrl = () => `http://127.0.0.1:${stack.env.COUNTER_PORT}`;
  const signed = () =>
    signEdgeContext(stack.env.EDGE_SIGNING_SECRET!, { tenantId: tenant.tenantId, tenantSlug: tenant.slug });

  /** `path` is relative to `/api/counter`; `direct` calls the counter as the edge would. */
  function callCounter(
    via: 'direct' | 'edge',
    path: string,
    options: { method?: string; headers?: Record<string, string>; body?: string; unsigned?: boolean } = {},
  ) {
    const headers = { authorization: `Bearer ${tenant.key}`, ...options.headers };
    if (via === 'edge') return edgeRequest(stack.edgeUrl, tenant.host, `/api/counter${path}`, { ...options, headers });
    return edgeRequest(counterUrl(), tenant.host, path, {
      ...options,
      headers: options.unsigned ? headers : { ...signed(), ...headers },
    });
  }

  // Headers every answer carries whoever writes it, and hop or time headers that say nothing about it.
  const comparableHeaders = (headers: Headers) =>
    [...headers.keys()].filter((name) => !['date', 'keep-alive', 'connection'].includes(name)).sort();

  it.each(['direct', 'edge'] as const)(
    'answers the first call and the ones served from memory alike (%s)',
    async (via) => {
      const name = `alike-${via}`;
      const answers: Awaited<ReturnType<typeof callCounter>>[] = [];
      for (let i = 0; i < 30; i++) {
        answers.push(
          await callCounter(via, `/v1/counters/${name}/next`, {
            method: 'POST',
            headers: { 'x-request-id': `req-${via}-${i}` },
          }),
        );
      }
      const values = answers.map((answer) => JSON.parse(answer.text) as { name: string; value: number });
      answers.forEach((answer, i) => {
        expect(answer.status).toBe(200);
        expect(answer.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(answer.headers.get('x-request-id')).toBe(`req-${via}-${i}`);
        expect(comparableHeaders(answer.headers)).toEqual(comparableHeaders(answers[0]!.headers));
        expect(Object.keys(values[i]!)).toEqual(['name', 'value']);
      });
      expect(values.map((value) => value.value)).toEqual(values.map((_, i) => values[0]!.value + i));

      const block = await callCounter(via, `/v1/counters/${name}/next?count=5`, { method: 'POST' });
      expect(block.status).toBe(200);
      expect(block.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const { first, last } = JSON.parse(block.text) as { first: number; last: number };
      expect(first).toBe(values.at(-1)!.value + 1);
      expect(last - first).toBe(4);
    },
    30_000,
  );

  // Forms the fast path leaves alone; the full route must still answer each one as before.
  const fullRouteForms: [
    string,
    string,
    { body?: string; headers?: Record<string, string>; unsigned?: boolean },
    number,
    string?,
  ][] = [
    ['count 0', '/v1/counters/forms/next?count=0', {}, 400, 'ValidationFailed'],
    ['count over the limit', '/v1/counters/forms/next?count=10001', {}, 400, 'ValidationFailed'],
    ['count not a number', '/v1/counters/forms/next?count=abc', {}, 400, 'ValidationFailed'],
    ['count with a leading zero', '/v1/counters/forms/next?count=05', {}, 200],
    ['another query parameter', '/v1/counters/forms/next?count=2&trace=1', {}, 200],
    ['an encoded name', '/v1/counters/f%6Frms/next', {}, 200],
    ['a name with a space', '/v1/counters/two%20words/next', {}, 400, 'ValidationFailed'],
    ['a name of 65 characters', `/v1/counters/${'n'.repeat(65)}/next`, {}, 400, 'ValidationFailed'],
    ['a JSON body', '/v1/counters/forms/next', { body: '{}', headers: { 'content-type': 'application/json' } }, 200],
    [
      'an oversized body',
      '/v1/counters/forms/next',
      { body: JSON.stringify({ pad: 'x'.repeat(10_000) }), headers: { 'content-type': 'application/json' } },
      413,
    ],
    ['no credential', '/v1/counters/forms/next', { headers: { authorization: '' } }, 401, 'Unauthenticated'],
    [
      'an unknown key',
      '/v1/counters/forms/next',
      { headers: { authorization: 'Bearer tk_unknown' } },
      401,
      'Unauthenticated',
    ],
  ];

  it.each(['direct', 'edge'] as const)(
    'leaves every other form to the full route, which answers it (%s)',
    async (via) => {
      // Warm: the key and the counter are in memory, so only the form decides which path answers.
      expect((await callCounter(via, '/v1/counters/forms/next', { method: 'POST' })).status).toBe(200);
      for (const [what, path, options, status, error] of fullRouteForms) {
        const answer = await callCounter(via, path, { method: 'POST', ...options });
        expect({ what, status: answer.status }).toEqual({ what, status });
        if (error)
          expect({ what, error: (JSON.parse(answer.text) as { error: string }).error }).toEqual({ what, error });
      }
      const named = await callCounter(via, '/v1/counters/f%6Frms/next', { method: 'POST' });
      expect(JSON.parse(named.text)).toMatchObject({ name: 'forms' });
    },
  );

  it('refuses a warm key on a call that did not pass the edge', async () => {
    expect((await callCounter('direct', '/v1/counters/unsigned/next', { method: 'POST' })).status).toBe(200);
    const unsigned = await callCounter('direct', '/v1/counters/unsigned/next', { method: 'POST', unsigned: true });
    expect(unsigned.status).toBe(401);
    const tampered = await callCounter('direct', '/v1/counters/unsigned/next', {
      method: 'POST',
      headers: { 'x-platform-tenant-slug': 'someone-else' },
    });
    expect(tampered.status).toBe(401);
  });

  it('relays bodiless reads through the edge from memory, as the full route does', async () => {
    await callCounter('edge', '/v1/counters/read-me/next', { method: 'POST' });
    const reads = await Promise.all([1, 2, 3].map(() => callCounter('edge', '/v1/counters/read-me')));
    for (const read of reads) {
      expect(read.status).toBe(200);
      expect(JSON.parse(read.text)).toMatchObject({ name: 'read-me' });
    }
    const list = await callCounter('edge', '/v1/counters?limit=1000');
    expect(list.status).toBe(200);
    expect((JSON.parse(list.text) as { items: { name: string }[] }).items.map((item) => item.name)).toContain(
      'read-me',
    );
    expect((await callCounter('edge', '/v1/counters/nothing-here')).status).toBe(404);
  });

  it('counts answers from memory in the same HTTP metrics as the full route', async () => {
    const route = { method: 'POST', route: '/v1/counters/:name/next', status: '200' };
    const edgeRoute = { method: 'POST', route: '/api/counter/*', status: '200' };
    const before = valueOf(await scrape(`${counterUrl()}/metrics`), 'http_requests_total', route) ?? 0;
    const edgeBefore = valueOf((await stack.edge('localhost', '/metrics')).text, 'http_requests_total', edgeRoute) ?? 0;
    for (let i = 0; i < 25; i++) await callCounter('edge', '/v1/counters/metered/next', { method: 'POST' });
    const after = valueOf(await scrape(`${counterUrl()}/metrics`), 'http_requests_total', route) ?? 0;
    const edgeAfter = valueOf((await stack.edge('localhost', '/metrics')).text, 'http_requests_total', edgeRoute) ?? 0;
    expect(after - before).toBe(25);
    expect(edgeAfter - edgeBefore).toBe(25);
    // The full route counts under the same templates, never under a raw path.
    expect(await scrape(`${counterUrl()}/metrics`)).not.toContain('/v1/counters/metered');
    expect((await stack.edge('localhost', '/metrics')).text).not.toContain('/api/counter/v1');
  });

  it('stops relaying a tenant from memory once it is suspended', async () => {
    expect((await callCounter('edge', '/v1/counters/pause/next', { method: 'POST' })).status).toBe(200);
    expect((await stack.api('POST', `/v1/tenants/${tenant.slug}/suspend`)).status).toBe(202);
    await stack.waitForTenant(tenant.slug, (view) => view.status.phase === 'Suspended');
    const suspended = await callCounter('edge', '/v1/counters/pause/next', { method: 'POST' });
    expect(suspended.status).toBe(503);
    expect(JSON.parse(suspended.text)).toMatchObject({ error: 'TenantSuspended' });
    expect((await stack.api('POST', `/v1/tenants/${tenant.slug}/resume`)).status).toBe(202);
    await stack.waitForReady(tenant.slug);
    expect((await callCounter('edge', '/v1/counters/pause/next', { method: 'POST' })).status).toBe(200);
  });
});
