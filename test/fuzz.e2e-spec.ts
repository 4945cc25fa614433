import fc from 'fast-check';
import { Stack, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 1500);

/** Values that are almost right are the ones that find bugs: near-miss slugs, colours, types. */
const nearMiss = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.constantFrom(
    'acme',
    'a',
    'www',
    'A-b',
    'a--b',
    '-a',
    '#fff',
    '#12345g',
    'image/png',
    'image/gif',
    '',
    ' ',
    '__proto__',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
);

const tenantBody = fc.record(
  {
    slug: fc.oneof(nearMiss, fc.stringMatching(/^[a-z][a-z0-9-]{1,20}[a-z0-9]$/)),
    displayName: nearMiss,
    tier: fc.oneof(nearMiss, fc.constantFrom('starter', 'business', 'enterprise')),
    branding: fc.oneof(
      nearMiss,
      fc.record(
        {
          primaryColor: fc.oneof(nearMiss, fc.stringMatching(/^#[0-9a-f]{6}$/)),
          accentColor: nearMiss,
          logo: fc.oneof(
            nearMiss,
            fc.record({ contentType: nearMiss, base64: fc.oneof(nearMiss, fc.base64String({ maxLength: 64 })) }),
          ),
        },
        { requiredKeys: [] },
      ),
    ),
    domains: fc.oneof(nearMiss, fc.array(fc.oneof(fc.domain(), nearMiss), { maxLength: 4 })),
    extra: nearMiss,
  },
  { requiredKeys: [] },
);

const rawBody = fc.oneof(
  tenantBody.map((body) => JSON.stringify(body)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{',
    '[]',
    'null',
    '"x"',
    '{"slug":',
    '\u0000',
    '{"__proto__":{"x":1}}',
    '{"constructor":{"prototype":{}}}',
  ),
);

describe('Fuzzing the admin API', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane']);
  }, 90_000);

  afterAll(() => stack.stop());

  it(`never answers 5xx and stores a tenant only when it answers 202 (${RUNS} generated requests)`, async () => {
    const target = uniqueSlug('fuzzed');
    expect((await stack.api('POST', '/v1/tenants', { body: aTenant({ slug: target }) })).status).toBe(202);
    let accepted = 0;
    const request = fc.oneof(
      rawBody.map((body) => ({ method: 'POST', path: '/v1/tenants', body })),
      rawBody.map((body) => ({ method: 'PATCH', path: `/v1/tenants/${target}`, body })),
      fc
        .tuple(fc.constantFrom('GET', 'DELETE', 'POST', 'PUT'), fc.webPath(), fc.webQueryParameters())
        .map(([method, path, query]) => ({
          method,
          path: `/v1/tenants${path}?${query}`.replace(/\/+$/, ''),
          body: undefined,
        })),
      fc.tuple(fc.webQueryParameters(), fc.string({ maxLength: 20 })).map(([query, cursor]) => ({
        method: 'GET',
        path: `/v1/tenants?${query}&cursor=${encodeURIComponent(cursor)}`,
        body: undefined,
      })),
    );
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body }) => {
        // Deleting the tenant the PATCHes aim at would only test 409s from then on.
        if (method === 'DELETE') return;
        const answer = await stack.api(method, path, {
          rawBody: body,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
        });
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) {
          expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
        }
        if (method === 'POST' && path === '/v1/tenants' && answer.status === 202) accepted += 1;
      }),
      { numRuns: RUNS },
    );
    const [{ count }] = await stack.pg<{ count: number }>(`SELECT count(*)::int AS count FROM "Tenant"`);
    expect(count).toBe(accepted + 1);
  }, 180_000);
});
