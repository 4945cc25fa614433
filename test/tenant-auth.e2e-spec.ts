import { SignJWT, decodeJwt } from 'jose';
import { KEY_CACHE_MS, signEdgeContext, tenantJwtKeyOf } from '@platform/tenant-auth';
import { CallerConnection, type RequestOptions, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack } from './support/stack.js';

interface ErrorBody {
  error: string;
  message: string;
}

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
}

const NEXT = '/api/counter/v1/counters/auth/next';

describe('Tenant authentication (API keys, JWTs, the token endpoint)', () => {
  let stack: Stack;
  let a: TenantWithKey;
  let b: TenantWithKey;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter']);
    [a, b] = await Promise.all([onboardWithKey(stack, 'auth-a'), onboardWithKey(stack, 'auth-b')]);
  }, 90_000);

  afterAll(() => stack.stop());

  async function on<T>(host: string, path: string, options: RequestOptions): Promise<{ status: number; body: T }> {
    const connection = new CallerConnection(stack.edgeUrl, host, '');
    try {
      return await connection.request<T>(path, options);
    } finally {
      await connection.close();
    }
  }

  const tokenFor = (tenant: TenantWithKey, key = tenant.key) =>
    on<TokenBody>(tenant.host, '/api/auth/token', { method: 'POST', authorization: `Bearer ${key}` });
  const next = (tenant: TenantWithKey, credential: string) =>
    on<ErrorBody>(tenant.host, NEXT, { method: 'POST', authorization: `Bearer ${credential}` });

  it('trades an API key for a short-lived JWT of that tenant, in every accepted form', async () => {
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const answers = await Promise.all([
      tokenFor(a),
      on<TokenBody>(a.host, '/api/auth/token', {
        method: 'POST',
        authorization: null,
        headers: form,
        body: `grant_type=client_credentials&client_secret=${encodeURIComponent(a.key)}`,
      }),
      on<TokenBody>(a.host, '/api/auth/token', {
        method: 'POST',
        authorization: `Basic ${Buffer.from(`${a.keyId}:${a.key}`).toString('base64')}`,
        headers: form,
        body: 'grant_type=client_credentials',
      }),
      on<TokenBody>(a.host, '/api/auth/token', {
        method: 'POST',
        authorization: null,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_secret: a.key }),
      }),
    ]);
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 200, body: { token_type: 'Bearer', expires_in: 900 } });
      const claims = decodeJwt(answer.body.access_token);
      expect(claims).toMatchObject({
        iss: 'platform-edge',
        sub: a.keyId,
        tenant_id: a.tenantId,
        scopes: ['counter', 'data:read', 'data:write'],
      });
      expect(claims.exp! - claims.iat!).toBe(900);
      expect(typeof claims.jti).toBe('string');
      expect((await next(a, answer.body.access_token)).status).toBe(200);
    }
  });

  it("refuses tenant A's key and A's token on tenant B's hostname", async () => {
    const token = (await tokenFor(a)).body.access_token;
    expect(await next(b, a.key)).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    expect(await next(b, token)).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
    // The token endpoint speaks OAuth2 (RFC 6749 §5.2): another tenant's key is no client of it.
    expect(await tokenFor(b, a.key)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('refuses tampered, expired, unsigned and foreign-signed tokens', async () => {
    const token = (await tokenFor(a)).body.access_token;
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, tenant_id: b.tenantId })).toString('base64url');
    const key = tenantJwtKeyOf(stack.env.EDGE_SIGNING_SECRET!);
    const expired = await new SignJWT({ tenant_id: a.tenantId, scopes: ['counter'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('platform-edge')
      .setSubject(a.keyId)
      .setJti('expired')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 1_000)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 100)
      .sign(key);
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    const foreign = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32).fill(7));

    for (const bad of [
      `${header}.${forged}.${signature}`,
      expired,
      unsigned,
      foreign,
      `${header}.${payload}.${signature.slice(0, -2)}xx`,
    ]) {
      expect(await next(a, bad)).toMatchObject({ status: 401, body: { error: 'Unauthenticated' } });
    }
    expect(await next(b, `${header}.${forged}.${signature}`)).toMatchObject({ status: 401 });
  });

  it('refuses a revoked key at once if never seen, and a cached key and its tokens within the cache lifetime', async () => {
    const issue = async () =>
      (
        await stack.api<{ id: string; key: string }>('POST', `/v1/tenants/${a.slug}/api-keys`, {
          body: { name: 'revoke-me' },
        })
      ).body;
    const revoke = (id: string) => stack.api('DELETE', `/v1/tenants/${a.slug}/api-keys/${id}`);
    const unseen = await issue();
    await revoke(unseen.id);
    expect((await next(a, unseen.key)).status).toBe(401);

    const used = await issue();
    expect((await next(a, used.key)).status).toBe(200);
    const token = (await tokenFor(a, used.key)).body.access_token;
    expect((await next(a, token)).status).toBe(200);
    await revoke(used.id);
    const revokedAt = Date.now();
    // Each credential is cached on its own, so each is polled until refused, within the bound.
    const statusAfterCacheLifetime = async (call: () => Promise<{ status: number }>) => {
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < KEY_CACHE_MS + 2_000) {
        status = (await call()).status;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      return status;
    };
    expect(await statusAfterCacheLifetime(() => next(a, used.key))).toBe(401);
    expect(await statusAfterCacheLifetime(() => next(a, token))).toBe(401);
    expect(await statusAfterCacheLifetime(() => tokenFor(a, used.key))).toBe(401);
  }, 20_000);

  const badTokenRequests: [string, RequestOptions, number][] = [
    ['no credential', { method: 'POST', authorization: null }, 401],
    ['an unknown key', { method: 'POST', authorization: 'Bearer tk_unknown' }, 401],
    [
      'another grant type',
      {
        method: 'POST',
        authorization: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password',
      },
      400,
    ],
    [
      'malformed JSON',
      { method: 'POST', authorization: null, headers: { 'content-type': 'application/json' }, body: '{"client_' },
      400,
    ],
    [
      'an oversized body',
      {
        method: 'POST',
        authorization: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `x=${'y'.repeat(5_000)}`,
      },
      400,
    ],
    [
      'a text body',
      { method: 'POST', authorization: null, headers: { 'content-type': 'text/plain' }, body: 'key' },
      400,
    ],
  ];

  it.each(badTokenRequests)('refuses a token request with %s', async (_case, options, status) => {
    const answer = await on<ErrorBody>(a.host, '/api/auth/token', options);
    expect(answer.status).toBe(status);
    expect(typeof answer.body.error).toBe('string');
  });

  it('answers 404 for a token request on a host no tenant serves', async () => {
    expect(
      (await on<ErrorBody>('nobody.localhost', '/api/auth/token', { method: 'POST', authorization: `Bearer ${a.key}` }))
        .status,
    ).toBe(404);
  });

  it('refuses a valid key that reaches the workload without the edge, or with a stale edge signature', async () => {
    const direct = `http://127.0.0.1:${stack.env.COUNTER_PORT}`;
    const unsigned = new CallerConnection(direct, a.host, a.key);
    const stale = signEdgeContext(
      stack.env.EDGE_SIGNING_SECRET!,
      { tenantId: a.tenantId, tenantSlug: a.slug },
      Date.now() - 120_000,
    );
    try {
      expect(await unsigned.request('/v1/counters/auth/next', { method: 'POST' })).toMatchObject({ status: 401 });
      expect(await unsigned.request('/v1/counters/auth/next', { method: 'POST', headers: stale })).toMatchObject({
        status: 401,
      });
    } finally {
      await unsigned.close();
    }
  });
});
