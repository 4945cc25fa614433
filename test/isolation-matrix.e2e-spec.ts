import { SignJWT } from 'jose';
import { tenantJwtKeyOf } from '@platform/tenant-auth';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

interface Endpoint {
  family: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

const MEASUREMENT = JSON.stringify([{ source: 'park-1', metric: 'power', ts: '2026-01-01T00:00:00Z', value: 1 }]);

/** One call of every endpoint family a tenant caller reaches on its hostname. */
const TENANT_ENDPOINTS: Endpoint[] = [
  { family: 'counter next', method: 'POST', path: '/api/counter/v1/counters/orders/next' },
  { family: 'counter read', method: 'GET', path: '/api/counter/v1/counters/orders' },
  { family: 'counter list', method: 'GET', path: '/api/counter/v1/counters' },
  {
    family: 'counter create',
    method: 'PUT',
    path: '/api/counter/v1/counters/fresh',
    body: '{}',
    contentType: 'application/json',
  },
  {
    family: 'records upsert',
    method: 'PUT',
    path: '/api/data/v1/collections/ports/records',
    body: '[{"key":"a","data":{}}]',
    contentType: 'application/json',
  },
  { family: 'records read', method: 'GET', path: '/api/data/v1/collections/ports/records/a' },
  { family: 'records list', method: 'GET', path: '/api/data/v1/collections/ports/records' },
  { family: 'records delete', method: 'DELETE', path: '/api/data/v1/collections/ports/records/a' },
  {
    family: 'records import',
    method: 'POST',
    path: '/api/data/v1/collections/ports/import',
    body: '{"x":{}}',
    contentType: 'application/json',
  },
  {
    family: 'measurements ingest',
    method: 'POST',
    path: '/api/data/v1/measurements',
    body: MEASUREMENT,
    contentType: 'application/json',
  },
  { family: 'measurements query', method: 'GET', path: '/api/data/v1/measurements' },
  { family: 'measurements stats', method: 'GET', path: '/api/data/v1/measurements/stats?groupBy=source&bucket=day' },
  { family: 'ingestion status', method: 'GET', path: '/api/data/v1/ingestions/00000000-0000-4000-8000-000000000000' },
];

describe('Tenant isolation matrix: every endpoint family refuses every wrong credential', () => {
  let stack: Stack;
  let a: TenantWithKey;
  let b: TenantWithKey;
  const credentials: Record<string, string | null> = {};

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter', 'data-api']);
    [a, b] = await Promise.all([onboardWithKey(stack, 'iso-a'), onboardWithKey(stack, 'iso-b')]);
    const connection = new CallerConnection(stack.edgeUrl, b.host, b.key);
    const token = await connection.request<{ access_token: string }>('/api/auth/token', { method: 'POST' });
    await connection.close();
    const revoked = await stack.api<{ id: string; key: string }>('POST', `/v1/tenants/${a.slug}/api-keys`, {
      body: { name: 'revoked' },
    });
    expect((await stack.api('DELETE', `/v1/tenants/${a.slug}/api-keys/${revoked.body.id}`)).status).toBe(204);
    const now = Math.floor(Date.now() / 1000);
    const expired = await new SignJWT({ tenant_id: a.tenantId, scopes: ['counter', 'data'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('platform-edge')
      .setSubject(a.keyId)
      .setJti('expired')
      .setIssuedAt(now - 1_000)
      .setExpirationTime(now - 60)
      .sign(tenantJwtKeyOf(stack.env.EDGE_SIGNING_SECRET!));
    Object.assign(credentials, {
      'no credential': null,
      "other tenant's key": b.key,
      "other tenant's JWT": token.body.access_token,
      'revoked key': revoked.body.key,
      'expired JWT': expired,
    });
  }, 120_000);

  afterAll(() => stack.stop());

  const cases = TENANT_ENDPOINTS.flatMap((endpoint) =>
    ['no credential', "other tenant's key", "other tenant's JWT", 'revoked key', 'expired JWT'].map(
      (credential) => [endpoint.family, credential, endpoint] as const,
    ),
  );

  it.each(cases)('%s on tenant A with %s → refused', async (_, credential, endpoint) => {
    const connection = new CallerConnection(stack.edgeUrl, a.host, '');
    try {
      const secret = credentials[credential];
      const answer = await connection.request<{ error: string }>(endpoint.path, {
        method: endpoint.method,
        authorization: secret ? `Bearer ${secret}` : null,
        headers: endpoint.contentType ? { 'content-type': endpoint.contentType } : {},
        body: endpoint.body,
      });
      expect([401, 403]).toContain(answer.status);
      expect(answer.body.error).toMatch(/^(Unauthenticated|Forbidden)$/);
    } finally {
      await connection.close();
    }
  });

  it('stored nothing for tenant A through any refused call', async () => {
    const connection = new CallerConnection(stack.edgeUrl, a.host, a.key);
    try {
      const counters = await connection.request<{ items: unknown[] }>('/api/counter/v1/counters');
      expect(counters.status).toBe(200);
      expect(counters.body.items).toEqual([]);
      const records = await connection.request<{ items: unknown[] }>('/api/data/v1/collections/ports/records');
      expect(records.status).toBe(200);
      expect(records.body.items).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  interface Mutation {
    name: string;
    method: string;
    path: () => string;
    body: () => unknown;
  }
  const mutations: Mutation[] = [
    { name: 'onboard', method: 'POST', path: () => '/v1/tenants', body: () => aTenant({ slug: uniqueSlug('viewer') }) },
    { name: 'update', method: 'PATCH', path: () => `/v1/tenants/${a.slug}`, body: () => ({ displayName: 'x' }) },
    { name: 'suspend', method: 'POST', path: () => `/v1/tenants/${a.slug}/suspend`, body: () => undefined },
    { name: 'offboard', method: 'DELETE', path: () => `/v1/tenants/${a.slug}`, body: () => undefined },
    {
      name: 'issue API key',
      method: 'POST',
      path: () => `/v1/tenants/${a.slug}/api-keys`,
      body: () => ({ name: 'x' }),
    },
    {
      name: 'issue operator token',
      method: 'POST',
      path: () => '/v1/operator-tokens',
      body: () => ({ name: 'x', role: 'admin' }),
    },
  ];

  it.each(mutations.map((mutation) => [mutation.name, mutation] as const))(
    'a viewer operator token cannot %s',
    async (_, mutation) => {
      const viewer = await stack.api<{ token: string }>('POST', '/v1/operator-tokens', {
        body: { name: 'viewer', role: 'viewer' },
      });
      const answer = await stack.api(mutation.method, mutation.path(), {
        token: viewer.body.token,
        body: mutation.body(),
      });
      expect(answer.status).toBe(403);
      expect(answer.body.error).toBe('Forbidden');
    },
  );
});
