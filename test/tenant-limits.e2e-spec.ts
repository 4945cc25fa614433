import { type Socket, connect } from 'node:net';
import pg from 'pg';
import { quoteIdent, tenantDatabaseNames } from '@platform/database';
import { signEdgeContext } from '@platform/tenant-auth';
import { Stack, uniqueSlug } from './support/stack.js';
import { type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { aTenant } from './support/tenant.factory.js';

const MAX_IN_FLIGHT = 16;
const HEADERS_TIMEOUT_MS = 2_000;
const NEXT = '/api/counter/v1/counters/limited/next';
const STATS =
  '/api/data/v1/measurements/stats?groupBy=source&bucket=day&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';

interface RawUpload {
  socket: Socket;
  /** The status line and headers, once the server answers. */
  head: Promise<string>;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
}

/** An upload that announces a huge body and sends a byte now and then, as a slow or hostile client. */
function trickleUpload(port: number, host: string, path: string, headers: Record<string, string>): RawUpload {
  const socket = connect(port, '127.0.0.1');
  const lines = [
    `POST ${path} HTTP/1.1`,
    `host: ${host}`,
    'content-type: application/json',
    'content-length: 1000000000',
  ];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  socket.write(`${lines.join('\r\n')}\r\n\r\n[`);
  const trickle = setInterval(() => socket.writable && socket.write(' '), 200);
  let received = '';
  const head = new Promise<string>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n\r\n')) resolve(received.slice(0, received.indexOf('\r\n\r\n')));
    });
  });
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      clearInterval(trickle);
      resolve();
    });
    socket.on('error', () => undefined);
  });
  return { socket, head, closed };
}

const statusOf = (head: string) => Number(head.split(' ')[1]);

function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)),
  ]);
}

describe('Per-tenant limits, in-flight caps and refusals before bodies', () => {
  let stack: Stack;
  let limited: TenantWithKey;
  let other: TenantWithKey;
  let calm: TenantWithKey;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api'], {
      EDGE_TENANT_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT),
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    });
    [limited, other, calm] = await Promise.all([
      onboardWithKey(stack, 'limited', { limits: { requestsPerSecond: 10, burst: 10 } }),
      onboardWithKey(stack, 'other'),
      onboardWithKey(stack, 'calm'),
    ]);
  }, 90_000);

  afterAll(() => stack.stop());

  const next = (tenant: TenantWithKey) =>
    stack.edge(tenant.host, NEXT, { method: 'POST', headers: { authorization: `Bearer ${tenant.key}` } });

  it('shows limits in the tenant view, validates them with the spec, and resets them with null', async () => {
    expect((await stack.api('GET', `/v1/tenants/${limited.slug}`)).body.limits).toEqual({
      requestsPerSecond: 10,
      burst: 10,
    });
    const slug = uniqueSlug('limits');
    for (const limits of [{ requestsPerSecond: 0, burst: 1 }, { requestsPerSecond: 10, burst: 5 }, { rps: 1 }]) {
      const refused = await stack.api('POST', '/v1/tenants', { body: { ...aTenant({ slug }), limits } });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('ValidationFailed');
    }
    const created = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    expect(created.body.limits).toBeNull();
    const patched = await stack.api('PATCH', `/v1/tenants/${slug}`, {
      body: { limits: { requestsPerSecond: 20, burst: 40 } },
    });
    expect(patched.body.limits).toEqual({ requestsPerSecond: 20, burst: 40 });
    expect((await stack.api('PATCH', `/v1/tenants/${slug}`, { body: { limits: { burst: 1 } } })).status).toBe(400);
    expect((await stack.api('PATCH', `/v1/tenants/${slug}`, { body: { limits: null } })).body.limits).toBeNull();
  });

  it('answers a burst over 10 requests/s with 429s and RateLimit headers, leaves another tenant untouched, and serves again a second later', async () => {
    // The other tenant's calls go in waves within this file's in-flight cap, so only rates are compared.
    const theirWaves = async () => {
      const answers = [];
      for (let wave = 0; wave < 4; wave += 1)
        answers.push(...(await Promise.all(Array.from({ length: 10 }, () => next(other)))));
      return answers;
    };
    const startedAt = Date.now();
    const [mine, theirs] = await Promise.all([
      Promise.all(Array.from({ length: 40 }, () => next(limited))),
      theirWaves(),
    ]);
    const served = mine.filter((answer) => answer.status === 200).length;
    const refused = mine.filter((answer) => answer.status === 429);
    expect(served).toBeGreaterThanOrEqual(5);
    // The documented bound: burst + rate × seconds + one batch per edge (here one edge and a batch of
    // 1 token), however long the burst took on this machine.
    expect(served).toBeLessThanOrEqual(10 + Math.floor(10 * ((Date.now() - startedAt) / 1000)) + 1);
    expect(served + refused.length).toBe(40);
    for (const answer of refused) {
      expect(JSON.parse(answer.text)).toMatchObject({ error: 'RateLimited' });
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(answer.headers.get('ratelimit-limit')).toBe('10');
      expect(answer.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(answer.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    }
    expect(theirs.map((answer) => answer.status)).toEqual(Array(40).fill(200));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await next(limited)).status).toBe(200);
  });

  it('refuses unauthenticated uploads before reading their bodies, so 80 slow ones never delay another tenant', async () => {
    const edgePort = Number(stack.env.EDGE_PORT);
    // The tenant's first stats call sets up its data; what is timed below is a call like any other.
    expect((await stack.edge(other.host, STATS, { headers: { authorization: `Bearer ${other.key}` } })).status).toBe(
      200,
    );
    const uploads = Array.from({ length: 80 }, () =>
      trickleUpload(edgePort, other.host, '/api/data/v1/measurements', {}),
    );
    try {
      const startedAt = Date.now();
      const answer = await stack.edge(other.host, STATS, { headers: { authorization: `Bearer ${other.key}` } });
      expect(answer.status).toBe(200);
      expect(Date.now() - startedAt).toBeLessThan(1_000);
      const heads = await within(2_000, Promise.all(uploads.map((upload) => upload.head)), 'the refusals');
      for (const head of heads) {
        expect(statusOf(head)).toBe(401);
        expect(head.toLowerCase()).toContain('connection: close');
        expect(head.toLowerCase()).toContain('www-authenticate: bearer');
      }
      await within(2_000, Promise.all(uploads.map((upload) => upload.closed)), 'closing the refused connections');
    } finally {
      for (const upload of uploads) upload.socket.destroy();
    }
  });

  it('the workloads too refuse a caller without a credential before reading the body', async () => {
    const signed = signEdgeContext(stack.env.EDGE_SIGNING_SECRET!, {
      tenantId: other.tenantId,
      tenantSlug: other.slug,
    });
    const upload = trickleUpload(Number(stack.env.DATA_API_PORT), other.host, '/v1/measurements', signed);
    try {
      const head = await within(1_000, upload.head, 'the data API refusal');
      expect(statusOf(head)).toBe(401);
      await within(2_000, upload.closed, 'closing the connection');
    } finally {
      upload.socket.destroy();
    }
  });

  it(`caps a tenant at ${MAX_IN_FLIGHT} calls in flight (429 beyond), while another tenant is served promptly`, async () => {
    const edgePort = Number(stack.env.EDGE_PORT);
    const hanging = Array.from({ length: MAX_IN_FLIGHT }, () =>
      trickleUpload(edgePort, other.host, '/api/data/v1/measurements', { authorization: `Bearer ${other.key}` }),
    );
    try {
      // Give the edge time to admit and relay them all; none is answered while its body trickles in.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const beyond = await stack.edge(other.host, STATS, { headers: { authorization: `Bearer ${other.key}` } });
      expect(beyond.status).toBe(429);
      expect(JSON.parse(beyond.text)).toMatchObject({ error: 'TooManyConcurrentRequests' });
      expect(beyond.headers.get('retry-after')).toBe('1');
      const startedAt = Date.now();
      const answers = await Promise.all(Array.from({ length: MAX_IN_FLIGHT }, () => next(calm)));
      expect(answers.map((answer) => answer.status)).toEqual(Array(MAX_IN_FLIGHT).fill(200));
      expect(Date.now() - startedAt).toBeLessThan(1_000);
    } finally {
      for (const upload of hanging) upload.socket.destroy();
    }
    // Their slots are freed when their connections end.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stack.edge(other.host, STATS, { headers: { authorization: `Bearer ${other.key}` } })).status).toBe(
      200,
    );
  });

  it(`admits at most ${MAX_IN_FLIGHT} of a crowd that arrives together at a tenant the edge has no grant for yet`, async () => {
    const crowd = await onboardWithKey(stack, 'crowd');
    const edgePort = Number(stack.env.EDGE_PORT);
    const uploads = Array.from({ length: MAX_IN_FLIGHT + 8 }, () =>
      trickleUpload(edgePort, crowd.host, '/api/data/v1/measurements', { authorization: `Bearer ${crowd.key}` }),
    );
    try {
      // All of them wait for the tenant's limits and first grant together; the admitted ones then hang.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const refused = await Promise.all(
        uploads.map((upload) =>
          Promise.race([upload.head, new Promise<null>((resolve) => setTimeout(resolve, 50, null))]),
        ),
      );
      const answered = refused.filter((head): head is string => head !== null);
      expect(answered.map(statusOf)).toEqual(Array(8).fill(429));
    } finally {
      for (const upload of uploads) upload.socket.destroy();
    }
  });

  it('keeps the slots of callers that left while their calls still wait for the workload, so leaving and retrying cannot pile up calls', async () => {
    // Counter reads of the tenant hang: its table is locked, as by a long write or a stuck database.
    expect((await next(calm)).status).toBe(200);
    const read = `/api/counter/v1/counters/limited`;
    const locker = new pg.Client({ connectionString: stack.env.DATABASE_URL });
    await locker.connect();
    const edgePort = Number(stack.env.EDGE_PORT);
    let callers: Socket[] = [];
    try {
      await locker.query(`BEGIN; LOCK TABLE ${quoteIdent(tenantDatabaseNames(calm.slug, 'any').schema)}.counters`);
      // Callers that give up (a client timeout) while their calls wait, and leave.
      callers = Array.from({ length: MAX_IN_FLIGHT }, () => {
        const socket = connect(edgePort, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(`GET ${read} HTTP/1.1\r\nhost: ${calm.host}\r\nauthorization: Bearer ${calm.key}\r\n\r\n`);
        return socket;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const socket of callers) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 300));
      // Their calls still hold upstream connections: the tenant is at its cap, not handed more.
      const beyond = await within(
        1_500,
        stack.edge(calm.host, read, { headers: { authorization: `Bearer ${calm.key}` } }),
        'a call beyond the cap',
      );
      expect(beyond.status).toBe(429);
      expect(JSON.parse(beyond.text)).toMatchObject({ error: 'TooManyConcurrentRequests' });
    } finally {
      for (const socket of callers) socket.destroy();
      await locker.query('COMMIT').catch(() => undefined);
      await locker.end();
    }
    // Once the workload has answered them, the slots are free.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await stack.edge(calm.host, read, { headers: { authorization: `Bearer ${calm.key}` } })).status).toBe(200);
  });

  it('closes a connection whose headers do not arrive within HTTP_HEADERS_TIMEOUT_MS, on the edge and the workloads', async () => {
    const ports = [stack.env.EDGE_PORT, stack.env.COUNTER_PORT, stack.env.DATA_API_PORT].map(Number);
    const sockets = ports.map((port) => {
      const socket = connect(port, '127.0.0.1');
      socket.write(`GET / HTTP/1.1\r\nhost: ${other.host}\r\nx-slow: `);
      const trickle = setInterval(() => socket.writable && socket.write('a'), 200);
      const closed = new Promise<number>((resolve) => {
        socket.on('close', () => {
          clearInterval(trickle);
          resolve(Date.now());
        });
        socket.on('error', () => undefined);
      });
      return { socket, closed };
    });
    const startedAt = Date.now();
    try {
      const closedAt = await within(HEADERS_TIMEOUT_MS + 3_000, Promise.all(sockets.map((s) => s.closed)), 'closing');
      for (const at of closedAt) expect(at - startedAt).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
    } finally {
      for (const { socket } of sockets) socket.destroy();
    }
  });

  // Last: it restarts this file's edge against a Redis that is not there.
  it('fails open to a limiter of its own when Redis is unreachable, still limiting, and says so in its log', async () => {
    await stack.stopApp('edge');
    stack.env.REDIS_URL = 'redis://127.0.0.1:1';
    await stack.startApp('edge');
    const startedAt = Date.now();
    const answers = await Promise.all(Array.from({ length: 40 }, () => next(limited)));
    const served = answers.filter((answer) => answer.status === 200).length;
    expect(served).toBeGreaterThanOrEqual(5);
    // The documented bound: burst + rate × (seconds + 0.25), however long the burst took on this machine.
    expect(served).toBeLessThanOrEqual(10 + Math.floor(10 * ((Date.now() - startedAt) / 1000 + 0.25)));
    expect(answers.filter((answer) => answer.status === 429).length).toBe(40 - served);
    expect(stack.logs.join('\n')).toMatch(/Redis unreachable for rate limits/);
  });
});
