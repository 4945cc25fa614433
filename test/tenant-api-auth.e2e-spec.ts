import { decodeJwt } from 'jose';
import { signEdgeContext } from '@platform/tenant-auth';
import { type HttpAnswer, Stack } from './support/stack.js';
import { type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';

interface OAuthErrorBody {
  error: string;
  error_description: string;
}

interface ErrorBody {
  error: string;
  message: string;
  details?: { required?: string };
}

const NEXT = '/api/counter/v1/counters/scoped/next';
const STATS =
  '/api/data/v1/measurements/stats?groupBy=source&bucket=day&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z';
const WRITE = '/api/data/v1/measurements';
const READING = JSON.stringify([{ source: 's1', metric: 'power_kw', ts: '2026-01-01T01:00:00Z', value: 1 }]);

describe('Tenant API: OAuth2 and bearer errors, scopes, relayed paths', () => {
  let stack: Stack;
  let a: TenantWithKey;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api']);
    a = await onboardWithKey(stack, 'scopes');
  }, 90_000);

  afterAll(() => stack.stop());

  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const token = (headers: Record<string, string>, body?: string) =>
    stack.edge(a.host, '/api/auth/token', { method: 'POST', headers, body });
  const json = <T>(answer: HttpAnswer<string>) => JSON.parse(answer.text) as T;

  async function keyWith(scopes: string[] | undefined): Promise<string> {
    const issued = await stack.api<{ key: string; scopes: string[] }>('POST', `/v1/tenants/${a.slug}/api-keys`, {
      body: scopes ? { name: 'scoped', scopes } : { name: 'scoped' },
    });
    expect(issued.status).toBe(201);
    expect(issued.body.scopes).toEqual(scopes ?? ['counter', 'data:read', 'data:write']);
    return issued.body.key;
  }

  const call = (path: string, credential: string, method = 'GET', body?: string) =>
    stack.edge(a.host, path, {
      method,
      headers: { authorization: `Bearer ${credential}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body,
    });

  describe('the token endpoint answers RFC 6749 §5.2 errors', () => {
    it('invalid_client with a Basic challenge for a Basic credential that is unknown or not percent-encoding', async () => {
      for (const authorization of [basic('client', 'tk_unknown'), basic('client', '%E0%A4%A'), 'Basic ***', 'Basic ']) {
        const answer = await token({ authorization });
        expect(answer.status).toBe(401);
        expect(json<OAuthErrorBody>(answer).error).toBe('invalid_client');
        expect(answer.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      }
    });

    it('invalid_client with a Bearer challenge for an unknown bearer key', async () => {
      const answer = await token({ authorization: 'Bearer tk_unknown' });
      expect(answer.status).toBe(401);
      expect(json<OAuthErrorBody>(answer)).toMatchObject({ error: 'invalid_client' });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
    });

    it('unsupported_grant_type, invalid_request and invalid_scope', async () => {
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const password = await token(form, `grant_type=password&client_secret=${a.key}`);
      expect([password.status, json<OAuthErrorBody>(password).error]).toEqual([400, 'unsupported_grant_type']);
      const text = await token({ 'content-type': 'text/plain' }, 'key');
      expect([text.status, json<OAuthErrorBody>(text).error]).toEqual([400, 'invalid_request']);
      const badJson = await token({ 'content-type': 'application/json' }, '{"client_');
      expect([badJson.status, json<OAuthErrorBody>(badJson).error]).toEqual([400, 'invalid_request']);
      const unknownScope = await token(form, `grant_type=client_credentials&client_secret=${a.key}&scope=admin`);
      expect([unknownScope.status, json<OAuthErrorBody>(unknownScope).error]).toEqual([400, 'invalid_scope']);
    });
  });

  describe('every 401 of a workload call carries a bearer challenge', () => {
    const malformed = [
      '',
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Bearer \u00e9t\u00e9',
      'Basic !!!',
      basic('x', '%zz'),
      'Digest username="x"',
      `Bearer ${'x'.repeat(12_000)}`,
      'Bearer eyJhbGciOiJub25lIn0.e30.',
      'Bearer a.b.c',
    ];

    it.each(malformed.map((value) => [value.slice(0, 40), value]))(
      'answers 401 (never 500) to Authorization %j',
      async (_shown, authorization) => {
        for (const path of [NEXT, STATS]) {
          const answer = await stack.edge(a.host, path, {
            method: path === NEXT ? 'POST' : 'GET',
            headers: { authorization },
          });
          expect(answer.status).toBe(401);
          expect(json<ErrorBody>(answer).error).toBe('Unauthenticated');
          expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer realm="api"/);
        }
      },
    );

    it('says error="invalid_token" when a token was presented, and no error without one', async () => {
      const presented = await stack.edge(a.host, NEXT, {
        method: 'POST',
        headers: { authorization: 'Bearer tk_nope' },
      });
      expect(presented.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
      const none = await stack.edge(a.host, NEXT, { method: 'POST' });
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    });
  });

  describe('scopes', () => {
    it('a data:read key reads stats and cannot write or count (403 insufficient_scope), on every path', async () => {
      const reader = await keyWith(['data:read']);
      expect((await call(STATS, reader)).status).toBe(200);
      // Twice each: the first call of a key takes the full routes, the next ones the fast paths.
      for (let round = 0; round < 2; round += 1) {
        const count = await call(NEXT, reader, 'POST');
        expect(count.status).toBe(403);
        expect(json<ErrorBody>(count)).toMatchObject({ error: 'InsufficientScope', details: { required: 'counter' } });
        expect(count.headers.get('www-authenticate')).toBe(
          'Bearer realm="api", error="insufficient_scope", scope="counter"',
        );
        const write = await call(WRITE, reader, 'POST', READING);
        expect(write.status).toBe(403);
        expect(write.headers.get('www-authenticate')).toMatch(/scope="data:write"/);
        expect((await call(STATS, reader)).status).toBe(200);
      }
      const stored = await stack.pg<{ n: string }>(
        `SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'counters'`,
        [`t_${a.slug.replace(/-/g, '_')}`],
      );
      expect(Number(stored[0]!.n)).toBe(0);
    });

    it('the workloads check the scope themselves (a call signed as the edge would, straight to the counter)', async () => {
      const reader = await keyWith(['data:read']);
      const signed = signEdgeContext(stack.env.EDGE_SIGNING_SECRET!, { tenantId: a.tenantId, tenantSlug: a.slug });
      const direct = await fetch(`http://127.0.0.1:${stack.env.COUNTER_PORT}/v1/counters/scoped/next`, {
        method: 'POST',
        headers: { ...signed, authorization: `Bearer ${reader}` },
      });
      expect(direct.status).toBe(403);
      expect(direct.headers.get('www-authenticate')).toMatch(/insufficient_scope/);
    });

    it('a token request narrows the key, and the JWT scopes claim is enforced', async () => {
      const key = await keyWith(undefined);
      const form = { 'content-type': 'application/x-www-form-urlencoded' };
      const issued = await token(form, `grant_type=client_credentials&client_secret=${key}&scope=data:read`);
      expect(issued.status).toBe(200);
      const body = json<{ access_token: string; scope: string }>(issued);
      expect(body.scope).toBe('data:read');
      expect(decodeJwt(body.access_token).scopes).toEqual(['data:read']);
      expect((await call(STATS, body.access_token)).status).toBe(200);
      expect((await call(NEXT, body.access_token, 'POST')).status).toBe(403);
      const counterOnly = await keyWith(['counter']);
      const outside = await token(form, `grant_type=client_credentials&client_secret=${counterOnly}&scope=data:write`);
      expect([outside.status, json<OAuthErrorBody>(outside).error]).toEqual([400, 'invalid_scope']);
    });

    it('refuses unknown scopes at issue, and lists each key with its scopes', async () => {
      const refused = await stack.api('POST', `/v1/tenants/${a.slug}/api-keys`, {
        body: { name: 'bad', scopes: ['admin'] },
      });
      expect(refused.status).toBe(400);
      const empty = await stack.api('POST', `/v1/tenants/${a.slug}/api-keys`, { body: { name: 'bad', scopes: [] } });
      expect(empty.status).toBe(400);
      await keyWith(['counter']);
      const list = await stack.api<{ items: { scopes: string[] }[] }>('GET', `/v1/tenants/${a.slug}/api-keys`);
      expect(list.body.items.map((key) => key.scopes)).toContainEqual(['counter']);
    });
  });

  describe('only the tenant API is relayed', () => {
    it.each([
      '/api/data/metrics',
      '/api/counter/metrics',
      '/api/data/ready',
      '/api/counter/health',
      '/api/data/health',
    ])('%s on a tenant hostname is a JSON 404, with or without a credential', async (path) => {
      const withAndWithout: Record<string, string>[] = [{}, { authorization: `Bearer ${a.key}` }];
      for (const headers of withAndWithout) {
        const answer = await stack.edge(a.host, path, { headers });
        expect(answer.status).toBe(404);
        expect(answer.headers.get('content-type')).toMatch(/application\/json/);
        expect(answer.text).not.toMatch(/process_|http_requests/);
      }
    });
  });

  // Last: it stops this file's counter.
  it("answers 502 without the workload's address when a workload is down", async () => {
    await stack.stopApp('counter');
    for (let round = 0; round < 2; round += 1) {
      const answer = await call(NEXT, a.key, 'POST');
      expect(answer.status).toBe(502);
      expect(json<ErrorBody>(answer)).toEqual({
        error: 'WorkloadUnavailable',
        message: 'The counter workload did not answer',
      });
      expect(answer.text).not.toMatch(/127\.0\.0\.1|localhost|ECONNREFUSED|:\d{4,5}/);
    }
  });
});
