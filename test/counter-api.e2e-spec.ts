import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack } from './support/stack.js';

interface ErrorBody {
  error: string;
  message: string;
}

interface CounterView {
  name: string;
  start: number;
  highWaterMark: number;
}

describe('Sequence counter API', () => {
  let stack: Stack;
  let a: TenantWithKey;
  let b: TenantWithKey;
  let callerA: CallerConnection;
  let callerB: CallerConnection;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter']);
    [a, b] = await Promise.all([onboardWithKey(stack, 'ctr-a'), onboardWithKey(stack, 'ctr-b')]);
    callerA = new CallerConnection(stack.edgeUrl, a.host, a.key);
    callerB = new CallerConnection(stack.edgeUrl, b.host, b.key);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([callerA.close(), callerB.close()]);
    await stack.stop();
  });

  it('creates a counter on first use, reserves blocks, and reports its high-water mark', async () => {
    expect(await callerA.request('/api/counter/v1/counters/first-use/next', { method: 'POST' })).toEqual({
      status: 200,
      body: { name: 'first-use', value: 1 },
    });
    expect(await callerA.request('/api/counter/v1/counters/first-use/next?count=500', { method: 'POST' })).toEqual({
      status: 200,
      body: { name: 'first-use', first: 2, last: 501 },
    });
    // Bigger than the rest of the replica's lease: a new block is leased for it, the rest becomes a gap.
    const big = await callerA.request<{ first: number; last: number }>(
      '/api/counter/v1/counters/first-use/next?count=10000',
      {
        method: 'POST',
      },
    );
    expect(big.status).toBe(200);
    expect(big.body.last - big.body.first).toBe(9_999);
    expect(big.body.first).toBeGreaterThan(501);
    const view = await callerA.request<CounterView>('/api/counter/v1/counters/first-use');
    expect(view.body).toMatchObject({ name: 'first-use', start: 1 });
    expect(view.body.highWaterMark).toBeGreaterThanOrEqual(big.body.last);
  });

  it('creates a counter explicitly with a start, and refuses to re-base one that has issued values', async () => {
    const created = await callerA.request<CounterView>('/api/counter/v1/counters/invoice.2026', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: 1_000_000 }),
    });
    expect(created).toMatchObject({
      status: 200,
      body: { name: 'invoice.2026', start: 1_000_000, highWaterMark: 999_999 },
    });
    expect((await callerA.request('/api/counter/v1/counters/invoice.2026/next', { method: 'POST' })).body).toEqual({
      name: 'invoice.2026',
      value: 1_000_000,
    });
    const again = await callerA.request<ErrorBody>('/api/counter/v1/counters/invoice.2026', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: 1 }),
    });
    expect(again).toMatchObject({ status: 409, body: { error: 'CounterExists' } });
    expect((await callerA.request('/api/counter/v1/counters/no-such-counter')).status).toBe(404);
    const list = await callerA.request<{ items: CounterView[] }>('/api/counter/v1/counters?limit=50');
    expect(list.body.items.map((item) => item.name)).toEqual(expect.arrayContaining(['first-use', 'invoice.2026']));
  });

  it("keeps tenants apart: A's orders and B's orders are independent, and A's key fails on B's host", async () => {
    const next = (caller: CallerConnection) =>
      caller.request<{ value: number }>('/api/counter/v1/counters/orders/next', { method: 'POST' });
    expect((await next(callerA)).body.value).toBe(1);
    expect((await next(callerA)).body.value).toBe(2);
    expect((await next(callerB)).body.value).toBe(1);

    const aKeyOnB = new CallerConnection(stack.edgeUrl, b.host, a.key);
    const refused = await aKeyOnB.request<ErrorBody>('/api/counter/v1/counters/orders/next', { method: 'POST' });
    await aKeyOnB.close();
    expect(refused).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    expect((await next(callerB)).body.value).toBe(2);
  });

  const badInput: [string, string, string, number][] = [
    ['name too long', 'POST', `/api/counter/v1/counters/${'x'.repeat(65)}/next`, 400],
    ['name with a space', 'POST', '/api/counter/v1/counters/a%20b/next', 400],
    ['name with a slash', 'POST', '/api/counter/v1/counters/a%2Fb/next', 400],
    ['name with unicode', 'POST', '/api/counter/v1/counters/%C3%BC/next', 400],
    ['name with a colon', 'GET', '/api/counter/v1/counters/a:b', 400],
    ['count 0', 'POST', '/api/counter/v1/counters/ok/next?count=0', 400],
    ['count 10001', 'POST', '/api/counter/v1/counters/ok/next?count=10001', 400],
    ['count abc', 'POST', '/api/counter/v1/counters/ok/next?count=abc', 400],
    ['count -1', 'POST', '/api/counter/v1/counters/ok/next?count=-1', 400],
    ['count 1.5', 'POST', '/api/counter/v1/counters/ok/next?count=1.5', 400],
    ['count empty', 'POST', '/api/counter/v1/counters/ok/next?count=', 400],
    ['list limit 0', 'GET', '/api/counter/v1/counters?limit=0', 400],
    ['unknown route', 'GET', '/api/counter/v2/whatever', 404],
  ];

  it.each(badInput)('refuses %s with a JSON 4xx', async (_case, method, path, status) => {
    const answer = await callerA.request<ErrorBody>(path, { method });
    expect(answer.status).toBe(status);
    expect(typeof answer.body.error).toBe('string');
  });

  const badBodies: [string, string, Record<string, string>, number][] = [
    ['start too big for a JSON number', '{"start":9007199254740992}', { 'content-type': 'application/json' }, 400],
    ['negative start', '{"start":-1}', { 'content-type': 'application/json' }, 400],
    ['start as text', '{"start":"12"}', { 'content-type': 'application/json' }, 400],
    ['unknown field', '{"begin":1}', { 'content-type': 'application/json' }, 400],
    ['malformed JSON', '{"start":', { 'content-type': 'application/json' }, 400],
    [
      'oversized body',
      JSON.stringify({ start: 1, pad: 'x'.repeat(10_000) }),
      { 'content-type': 'application/json' },
      413,
    ],
  ];

  it.each(badBodies)('refuses a PUT with %s with a JSON 4xx', async (_case, body, headers, status) => {
    const answer = await callerA.request<ErrorBody>('/api/counter/v1/counters/put-target', {
      method: 'PUT',
      body,
      headers,
    });
    expect(answer.status).toBe(status);
    expect(typeof answer.body.error).toBe('string');
  });

  const badAuth: [string, string | null, number][] = [
    ['no Authorization header', null, 401],
    ['an empty bearer', 'Bearer ', 401],
    ['a Basic scheme', 'Basic dXNlcjpwYXNz', 401],
    ['an unknown key', 'Bearer tk_not-a-real-key', 401],
    ['a malformed JWT', 'Bearer a.b.c', 401],
    ['a header with two tokens', 'Bearer one two', 401],
  ];

  it.each(badAuth)('refuses a call with %s with a JSON 401', async (_case, authorization, status) => {
    const answer = await callerA.request<ErrorBody>('/api/counter/v1/counters/ok/next', {
      method: 'POST',
      authorization,
    });
    expect(answer).toMatchObject({ status, body: { error: 'Unauthenticated' } });
  });
});
