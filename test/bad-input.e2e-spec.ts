import { type HttpAnswer, Stack, uniqueSlug } from './support/stack.js';
import { CLEAN_SVG_LOGO, type TenantBody, aTenant } from './support/tenant.factory.js';

interface ErrorBody {
  error: string;
  message: string;
  details?: unknown;
}

interface ApiRequest {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  token?: string | null;
}

interface Refusal {
  status: number;
  error: string;
  /** Something the error's `details` must name, so the operator can tell what to fix. */
  offence?: RegExp;
}

interface OnboardingCase extends Refusal {
  name: string;
  /** The slug the request tries to claim; no tenant may hold it afterwards. Empty when the body has none. */
  slug: string;
  request: ApiRequest;
}

interface PatchCase extends Refusal {
  name: string;
  request: ApiRequest;
}

/** Everything a request could leave behind; a refused one must leave all of it as it was. */
interface Footprint {
  tenants: number;
  tenantDomains: number;
  jobs: number;
  auditEvents: number;
  idempotencyRecords: number;
  lastTenantUpdate: string | null;
}

// The documented contract (docs/admin-api.md, "Rules worth knowing"), stated here rather than imported from the code under test.
const LOGO_LIMIT_BYTES = 256 * 1024;
const PLATFORM_DOMAIN = 'localhost';
const JSON_HEADERS = { 'content-type': 'application/json' };

const PNG_START = Buffer.from([
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
]);
const JPEG_START = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
]);

const GRADIENT_SVG = svg(
  '<defs><linearGradient id="g">' +
    '<stop offset="0" stop-color="#0b5fff"/><stop offset="1" stop-color="#ffffff"/>' +
    '</linearGradient></defs>' +
    '<rect width="10" height="10" fill="url(#g)"/>',
);

/** A PNG signature and IHDR chunk header, padded with zeros to the given size. */
function pngOfSize(bytes: number): Buffer {
  return Buffer.concat([PNG_START, Buffer.alloc(bytes - PNG_START.length)]);
}

function svg(inner: string, rootAttributes = ''): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"${rootAttributes}>${inner}</svg>`;
}

function base64(content: string | Buffer): string {
  return Buffer.from(content).toString('base64');
}

function tenantWithLogo(contentType: string, logoBase64: string): TenantBody {
  return aTenant({
    slug: uniqueSlug('logo'),
    branding: { primaryColor: '#3366cc', logo: { contentType, base64: logoBase64 } },
  });
}

const withSvgLogo = (text: string) => tenantWithLogo('image/svg+xml', base64(text));
const withPngLogo = (bytes: Buffer) => tenantWithLogo('image/png', base64(bytes));
const withColour = (primaryColor: string) => aTenant({ slug: uniqueSlug('colour'), branding: { primaryColor } });

const invalid = (offence?: RegExp): Refusal => ({ status: 400, error: 'ValidationFailed', offence });
const refusedLogo = (offence: RegExp): Refusal => ({ status: 422, error: 'InvalidBranding', offence });
const unauthenticated: Refusal = { status: 401, error: 'Unauthenticated' };

function refused(name: string, body: TenantBody, refusal: Refusal): OnboardingCase {
  return { name, slug: body.slug, request: { body }, ...refusal };
}

/** A valid onboarding body with some fields replaced by values of any shape. */
function refusedOverride(name: string, overrides: Record<string, unknown>, refusal: Refusal): OnboardingCase {
  const slug = uniqueSlug('bad');
  return { name, slug, request: { body: { ...aTenant({ slug }), ...overrides } }, ...refusal };
}

function refusedRaw(name: string, rawBody: (slug: string) => string, refusal: Refusal): OnboardingCase {
  const slug = uniqueSlug('raw');
  return { name, slug, request: { rawBody: rawBody(slug), headers: JSON_HEADERS }, ...refusal };
}

function refusedToken(name: string, token: string | null): OnboardingCase {
  const slug = uniqueSlug('auth');
  return { name, slug, request: { body: aTenant({ slug }), token }, ...unauthenticated };
}

const ONBOARDING_CASES: OnboardingCase[] = [
  refused('a slug in upper case', aTenant({ slug: 'Acme' }), invalid(/slug/)),
  refused('a slug that is too short', aTenant({ slug: 'ab' }), invalid(/slug/)),
  refused('a slug with a leading digit', aTenant({ slug: '1acme' }), invalid(/slug/)),
  refused('a slug with a trailing dash', aTenant({ slug: 'acme-' }), invalid(/slug/)),
  refused('a slug with a double dash', aTenant({ slug: 'a--b' }), invalid(/slug/)),
  refused('the reserved slug www', aTenant({ slug: 'www' }), invalid(/reserved/)),
  refused('the reserved slug admin', aTenant({ slug: 'admin' }), invalid(/reserved/)),
  refused('the reserved slug api', aTenant({ slug: 'api' }), invalid(/reserved/)),
  refused('a colour given by name', withColour('red'), invalid(/primaryColor/)),
  refused('a colour with five digits', withColour('#12345'), invalid(/primaryColor/)),
  refused('a colour that is not hex', withColour('#gggggg'), invalid(/primaryColor/)),
  refused('a PNG logo one byte over 256 KiB', withPngLogo(pngOfSize(LOGO_LIMIT_BYTES + 1)), refusedLogo(/256 KiB/)),
  refused('a PNG logo of 300 KiB', withPngLogo(pngOfSize(300 * 1024)), refusedLogo(/256 KiB/)),
  refused('a PNG logo with a JPEG signature', withPngLogo(JPEG_START), refusedLogo(/png/i)),
  refused('an SVG logo with <script>', withSvgLogo(svg('<script>alert(1)</script>')), refusedLogo(/<script>/)),
  refused(
    'an SVG logo with an onload handler',
    withSvgLogo(svg('<rect/>', ' onload="alert(1)"')),
    refusedLogo(/onload/),
  ),
  refused(
    'an SVG logo with an external href',
    withSvgLogo(svg('<use href="http://evil.example/sprite.svg#a"/>')),
    refusedLogo(/<use href> external/),
  ),
  refused(
    'an SVG logo with a DOCTYPE and an entity',
    withSvgLogo(`<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>${svg('<text>&x;</text>')}`),
    refusedLogo(/DOCTYPE/),
  ),
  refused(
    'an SVG logo with <foreignObject>',
    withSvgLogo(svg('<foreignObject><div>hi</div></foreignObject>')),
    refusedLogo(/<foreignObject>/),
  ),
  refused(
    'a logo that is not base64',
    tenantWithLogo('image/svg+xml', '<svg>not base64</svg>!'),
    refusedLogo(/base64/),
  ),
  refusedOverride('an unknown top-level field', { plan: 'gold' }, invalid(/plan/)),
  refusedOverride(
    'an unknown field inside branding',
    { branding: { primaryColor: '#3366cc', font: 'Comic Sans' } },
    invalid(/font/),
  ),
  refusedOverride('the tier as a number', { tier: 2 }, invalid(/tier/)),
  refusedOverride('the domains as a string', { domains: 'shop.example.com' }, invalid(/domains/)),
  (() => {
    const slug = uniqueSlug('array');
    return {
      name: 'the slug as an array',
      slug,
      request: { body: { ...aTenant({ slug }), slug: [slug] } },
      ...invalid(/slug/),
    };
  })(),
  { name: 'an empty JSON object', slug: '', request: { body: {} }, ...invalid(/slug/) },
  { name: 'an empty body sent as JSON', slug: '', request: { rawBody: '', headers: JSON_HEADERS }, ...invalid() },
  refusedRaw('a body that is not JSON, sent as JSON', (slug) => `{"slug": "${slug}", "displayName": `, invalid()),
  refusedRaw('a 1 MiB body', (slug) => JSON.stringify(aTenant({ slug, displayName: 'x'.repeat(1024 * 1024) })), {
    status: 413,
    error: 'PayloadTooLarge',
  }),
  refusedOverride(
    'a custom domain inside the platform domain',
    { domains: [`x.${PLATFORM_DOMAIN}`] },
    invalid(/x\.localhost/),
  ),
  refusedOverride(
    'a custom domain inside the platform domain, in capitals with a trailing dot',
    { domains: [`SHOP.${PLATFORM_DOMAIN.toUpperCase()}.`] },
    invalid(/shop\.localhost/),
  ),
  refusedOverride('an IP address as a custom domain', { domains: ['127.0.0.1'] }, invalid(/domains/)),
  refusedOverride(
    'more than 10 custom domains',
    { domains: Array.from({ length: 11 }, (_, index) => `shop${index}.example.com`) },
    invalid(/domains/),
  ),
  refusedToken('a request without Authorization', null),
  refusedToken('a token nobody issued', 'op_not-a-token-anyone-issued'),
];

const PATCH_CASES: PatchCase[] = [
  { name: 'an empty object', request: { body: {} }, ...invalid() },
  { name: 'an unknown field (the slug cannot change)', request: { body: { slug: 'renamed' } }, ...invalid(/slug/) },
  { name: 'a bad colour', request: { body: { branding: { primaryColor: '#12345' } } }, ...invalid(/primaryColor/) },
  {
    name: 'an SVG logo with <script>',
    request: { body: { branding: withSvgLogo(svg('<script>alert(1)</script>')).branding } },
    ...refusedLogo(/<script>/),
  },
  {
    name: 'a custom domain inside the platform domain',
    request: { body: { domains: [`x.${PLATFORM_DOMAIN}`] } },
    ...invalid(/x\.localhost/),
  },
  {
    name: 'a request without Authorization',
    request: { body: { displayName: 'Renamed' }, token: null },
    ...unauthenticated,
  },
];

describe('Bad input to the admin API is refused and stores nothing', () => {
  let stack: Stack;
  let existingSlug: string;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane']);
    existingSlug = uniqueSlug('existing');
    const created = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug: existingSlug }) });
    expect(created.status).toBe(202);
  }, 90_000);

  afterAll(() => stack?.stop());

  async function footprint(): Promise<Footprint> {
    const [row] = await stack.pg<Footprint>(
      `SELECT (SELECT count(*)::int FROM "Tenant") AS tenants,
              (SELECT count(*)::int FROM "TenantDomain") AS "tenantDomains",
              (SELECT count(*)::int FROM "ProvisioningJob") AS jobs,
              (SELECT count(*)::int FROM "AuditEvent") AS "auditEvents",
              (SELECT count(*)::int FROM "IdempotencyRecord") AS "idempotencyRecords",
              (SELECT max("updatedAt")::text FROM "Tenant") AS "lastTenantUpdate"`,
    );
    return row!;
  }

  async function tenantsHolding(slug: string): Promise<string[]> {
    const rows = await stack.pg<{ slug: string }>(`SELECT slug FROM "Tenant" WHERE lower(slug) = lower($1)`, [slug]);
    return rows.map((row) => row.slug);
  }

  function expectRefused(answer: HttpAnswer<ErrorBody>, refusal: Refusal): void {
    expect({ status: answer.status, body: answer.body }).toMatchObject({
      status: refusal.status,
      body: { error: refusal.error, message: expect.stringMatching(/\S/) },
    });
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(Object.keys(answer.body).filter((key) => !['error', 'message', 'details'].includes(key))).toEqual([]);
    if (refusal.offence) expect(JSON.stringify(answer.body.details)).toMatch(refusal.offence);
  }

  // Each case compares the whole footprint before and after its own request, so the cases stay independent.
  it.each(ONBOARDING_CASES)('POST /v1/tenants refuses $name', async ({ slug, request, ...refusal }) => {
    const before = await footprint();

    const answer = await stack.api<ErrorBody>('POST', '/v1/tenants', request);

    expectRefused(answer, refusal);
    if (slug) expect(await tenantsHolding(slug)).toEqual([]);
    expect(await footprint()).toEqual(before);
  });

  it.each(PATCH_CASES)('PATCH /v1/tenants/:slug refuses $name', async ({ request, ...refusal }) => {
    const before = await footprint();

    const answer = await stack.api<ErrorBody>('PATCH', `/v1/tenants/${existingSlug}`, request);

    expectRefused(answer, refusal);
    expect(await footprint()).toEqual(before);
  });

  // The positive control: the refusals above come from the rules, not from a validator that refuses every logo.
  it.each([
    { name: 'the factory SVG logo', logo: CLEAN_SVG_LOGO },
    { name: 'an SVG logo with a <linearGradient> used as fill="url(#g)"', logo: base64(GRADIENT_SVG) },
  ])('POST /v1/tenants accepts $name', async ({ logo }) => {
    const before = await footprint();
    const body = tenantWithLogo('image/svg+xml', logo);

    const answer = await stack.api('POST', '/v1/tenants', { body });

    expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 202, body: { slug: body.slug } });
    expect(await tenantsHolding(body.slug)).toEqual([body.slug]);
    const after = await footprint();
    expect({
      tenants: after.tenants - before.tenants,
      jobs: after.jobs - before.jobs,
      auditEvents: after.auditEvents - before.auditEvents,
    }).toEqual({ tenants: 1, jobs: 1, auditEvents: 1 });
  });
});
