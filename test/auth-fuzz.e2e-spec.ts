import fc from 'fast-check';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack } from './support/stack.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Characters an HTTP client may put in a header value (no CR, LF or NUL). */
const headerText = (maxLength: number) =>
  fc
    .string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength })
    .map((text) => text.trim());

const base64Of = (text: fc.Arbitrary<string>) => text.map((value) => Buffer.from(value, 'latin1').toString('base64'));

/** Near-miss Authorization values of every scheme: almost a key, almost Basic, almost a JWT. */
const authorization: fc.Arbitrary<string> = fc.oneof(
  headerText(60),
  fc.constantFrom('', 'Bearer', 'Bearer ', 'bearer  x', 'Basic', 'Basic =', 'Basic ====', 'Digest a=b', 'Negotiate x'),
  fc
    .tuple(fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'basic', 'Token', ''), headerText(80))
    .map(([scheme, rest]) => `${scheme} ${rest}`),
  // Basic with every kind of payload: no colon, empty parts, broken percent-encoding, non-UTF-8 bytes.
  base64Of(
    fc
      .tuple(
        headerText(10),
        fc.oneof(headerText(20), fc.constantFrom('%', '%E0%A4%A', '%zz', '%00', '\u00ff\u00fe', 'tk_%2')),
      )
      .map(([id, secret]) => `${id}:${secret}`),
  ).map((encoded) => `Basic ${encoded}`),
  base64Of(fc.string({ maxLength: 40 })).map((encoded) => `Basic ${encoded}`),
  // JWT-shaped: three base64url parts, valid JSON or not.
  fc
    .tuple(
      base64Of(fc.oneof(fc.constant('{"alg":"HS256"}'), fc.constant('{"alg":"none"}'), headerText(20))),
      base64Of(fc.oneof(fc.constant('{"tenant_id":"x","scopes":["counter"]}'), headerText(20))),
      headerText(10),
    )
    .map(([header, payload, signature]) =>
      `Bearer ${header}.${payload}.${Buffer.from(signature).toString('base64url')}`.replace(/[+=/]/g, ''),
    ),
  fc.integer({ min: 1_000, max: 12_000 }).map((length) => `Bearer tk_${'a'.repeat(length)}`),
);

interface Target {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  /** Statuses a refusal may have here: a token endpoint may also find the request itself invalid. */
  refusals: number[];
}

const targets: Target[] = [
  { method: 'POST', path: '/api/counter/v1/counters/fuzz/next', refusals: [401] },
  {
    method: 'GET',
    path: '/api/data/v1/measurements/stats?groupBy=source&bucket=day&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z',
    refusals: [401],
  },
  {
    method: 'POST',
    path: '/api/data/v1/measurements',
    headers: { 'content-type': 'application/json' },
    body: '[{"source":"s","metric":"m","ts":"2026-01-01T00:00:00Z","value":1}]',
    refusals: [401],
  },
  { method: 'POST', path: '/api/auth/token', refusals: [400, 401] },
];

describe('Fuzzing the Authorization header of every tenant entry point', () => {
  let stack: Stack;
  let tenant: TenantWithKey;
  let connection: CallerConnection;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api']);
    tenant = await onboardWithKey(stack, 'authfuzz');
    connection = new CallerConnection(stack.edgeUrl, tenant.host, '');
  }, 90_000);

  afterAll(async () => {
    await connection.close();
    await stack.stop();
  });

  it('answers every malformed or foreign Authorization with a 4xx and a challenge, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, fc.constantFrom(...targets), async (value, target) => {
        const answer = await connection.request<{ error?: unknown }>(target.path, {
          method: target.method,
          authorization: value,
          headers: target.headers,
          body: target.body,
        });
        expect(target.refusals).toContain(answer.status);
        expect(typeof answer.body.error).toBe('string');
      }),
      { numRuns: RUNS },
    );
    // Nothing was written by any of them.
    const [written] = await stack.pg<{ n: string }>(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name IN ('counters', 'measurements')`,
      [`t_${tenant.slug.replace(/-/g, '_')}`],
    );
    expect(Number(written!.n)).toBe(0);
  }, 300_000);

  it('puts a bearer challenge on every 401 of a workload call', async () => {
    await fc.assert(
      fc.asyncProperty(authorization, async (value) => {
        const answer = await stack.edge(tenant.host, targets[0]!.path, {
          method: 'POST',
          headers: { authorization: value },
        });
        expect(answer.status).toBe(401);
        expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="api"/);
      }),
      { numRuns: 50 },
    );
  });
});
