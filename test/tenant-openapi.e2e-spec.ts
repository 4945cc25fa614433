import SwaggerParser from '@apidevtools/swagger-parser';
import { requiredScopeOf } from '@platform/tenant-auth';
import { type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack } from './support/stack.js';

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<
    string,
    {
      headers?: Record<string, { $ref: string }>;
      content?: Record<string, { schema?: unknown; examples?: Record<string, { value: unknown }> }>;
    }
  >;
}

interface TenantDocument {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
    headers: Record<string, { schema: Record<string, unknown> }>;
    securitySchemes: {
      oauth2: { flows: { clientCredentials: { tokenUrl: string; scopes: Record<string, string> } } };
      bearer: { type: string; scheme: string };
    };
  };
}

describe("The tenant's OpenAPI document and Swagger UI on its own hostname", () => {
  let stack: Stack;
  let tenant: TenantWithKey;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge']);
    tenant = await onboardWithKey(stack, 'oapi');
  }, 120_000);

  afterAll(async () => {
    await stack.stop();
  });

  const documentOf = async (host: string) => {
    const answer = await stack.edge(host, '/api/openapi.json');
    return { status: answer.status, document: JSON.parse(answer.text) as TenantDocument };
  };

  it('is a valid OpenAPI 3 document where every operation has a 2xx answer schema and errors share one component', async () => {
    const { status, document } = await documentOf(tenant.host);
    expect(status).toBe(200);
    expect(document.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();

    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );
    expect(operations.map((op) => op.name).sort()).toEqual(
      [
        'POST /api/auth/token',
        'POST /api/counter/v1/counters/{name}/next',
        'PUT /api/counter/v1/counters/{name}',
        'GET /api/counter/v1/counters/{name}',
        'GET /api/counter/v1/counters',
        'POST /api/data/v1/measurements',
        'GET /api/data/v1/measurements',
        'GET /api/data/v1/measurements/stats',
        'GET /api/data/v1/ingestions/{id}',
        'PUT /api/data/v1/collections/{collection}/records',
        'GET /api/data/v1/collections/{collection}/records',
        'GET /api/data/v1/collections/{collection}/records/{key}',
        'DELETE /api/data/v1/collections/{collection}/records/{key}',
        'POST /api/data/v1/collections/{collection}/import',
      ].sort(),
    );
    for (const { name, operation } of operations) {
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
      expect({ name, success: success.length > 0 }).toEqual({ name, success: true });
      for (const [status, answer] of success) {
        // 204 answers have no body by definition; every other 2xx names its schema.
        if (status !== '204')
          expect({ name, schema: answer.content?.['application/json']?.schema }).toEqual({
            name,
            schema: expect.any(Object),
          });
      }
      for (const [status, answer] of Object.entries(operation.responses).filter(([code]) => /^[45]/.test(code))) {
        // The token endpoint's 400 and 401 are OAuth2 error bodies (checked below).
        if (name === 'POST /api/auth/token' && ['400', '401'].includes(status)) continue;
        expect({ name, status, schema: answer.content?.['application/json']?.schema }).toEqual({
          name,
          status,
          schema: { $ref: '#/components/schemas/Error' },
        });
      }
    }
    expect(document.components.schemas.Error).toMatchObject({ required: expect.arrayContaining(['error', 'message']) });
  });

  it('declares a bearer scheme and an oauth2 client-credentials scheme on this host, with the scopes each operation needs', async () => {
    const { document } = await documentOf(tenant.host);
    const origin = `http://${tenant.host}`;
    expect(document.servers).toEqual([{ url: origin }]);
    expect(document.components.securitySchemes.bearer).toEqual(
      expect.objectContaining({ type: 'http', scheme: 'bearer' }),
    );
    const flow = document.components.securitySchemes.oauth2.flows.clientCredentials;
    expect(flow.tokenUrl).toBe(`${origin}/api/auth/token`);
    expect(Object.keys(flow.scopes).sort()).toEqual(['counter', 'data:read', 'data:write']);
    const scopeOf = (path: string, method: string) =>
      document.paths[path]![method]!.security!.find((requirement) => requirement.oauth2)!.oauth2;
    expect(scopeOf('/api/counter/v1/counters/{name}/next', 'post')).toEqual(['counter']);
    expect(scopeOf('/api/data/v1/measurements/stats', 'get')).toEqual(['data:read']);
    expect(scopeOf('/api/data/v1/measurements', 'post')).toEqual(['data:write']);
  });

  it('describes each route from the schema that validates it (stats filters, Idempotency-Key)', async () => {
    const { document } = await documentOf(tenant.host);
    const parameters = (path: string, method: string) =>
      document.paths[path]![method]!.parameters!.map((parameter) => `${parameter.in}:${parameter.name}`);
    expect(parameters('/api/data/v1/measurements/stats', 'get')).toEqual(
      expect.arrayContaining([
        'query:groupBy',
        'query:bucket',
        'query:from',
        'query:to',
        'query:source',
        'query:metric',
      ]),
    );
    expect(parameters('/api/data/v1/measurements', 'get')).toEqual(
      expect.arrayContaining(['query:source', 'query:metric', 'query:from', 'query:to', 'query:cursor']),
    );
    expect(parameters('/api/data/v1/measurements', 'post')).toEqual(
      expect.arrayContaining(['query:async', 'header:Idempotency-Key']),
    );
    // Every data write that takes an Idempotency-Key says so, with the pattern the data API checks.
    for (const [path, method] of [
      ['/api/data/v1/measurements', 'post'],
      ['/api/data/v1/collections/{collection}/records', 'put'],
      ['/api/data/v1/collections/{collection}/import', 'post'],
    ] as const) {
      const key = document.paths[path]![method]!.parameters!.find((parameter) => parameter.name === 'Idempotency-Key');
      expect({ path, in: key?.in, pattern: key?.schema?.pattern }).toEqual({
        path,
        in: 'header',
        pattern: '^[\\x21-\\x7e]{1,200}$',
      });
      expect(document.paths[path]![method]!.responses['409']).toBeDefined();
    }
  });

  it('lists on every workload operation its 401 (WWW-Authenticate), 403 InsufficientScope for the scope the code requires, and 429 with its headers', async () => {
    const { document } = await documentOf(tenant.host);
    const workload = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(() => path !== '/api/auth/token')
        .map(([method, operation]) => ({ path, method, operation })),
    );
    expect(workload).toHaveLength(13);
    for (const { path, method, operation } of workload) {
      const name = `${method.toUpperCase()} ${path}`;
      const required = requiredScopeOf(path.startsWith('/api/counter/') ? 'counter' : 'data', method);
      expect({ name, scope: operation.security!.find((requirement) => requirement.oauth2)!.oauth2 }).toEqual({
        name,
        scope: [required],
      });
      const { 401: unauthenticated, 403: forbidden, 429: limited } = operation.responses;
      expect({ name, headers: unauthenticated?.headers }).toEqual({
        name,
        headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } },
      });
      expect({ name, headers: forbidden?.headers }).toEqual({ name, headers: unauthenticated!.headers });
      const scopeRefusal = forbidden!.content!['application/json']!.examples!.InsufficientScope!.value;
      expect({ name, scopeRefusal }).toEqual({
        name,
        scopeRefusal: expect.objectContaining({
          error: 'InsufficientScope',
          details: expect.objectContaining({ required }),
        }),
      });
      expect(Object.keys(limited!.headers!).sort()).toEqual(
        ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Retry-After'].sort(),
      );
      expect(Object.keys(limited!.content!['application/json']!.examples!).sort()).toEqual([
        'RateLimited',
        'TooManyConcurrentRequests',
      ]);
    }
    for (const name of ['WWW-Authenticate', 'Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'])
      expect(document.components.headers[name]!.schema).toEqual(expect.objectContaining({ type: expect.any(String) }));
  });

  it('matches what the edge answers: a key without the scope gets the documented 403, with its challenge', async () => {
    const issued = await stack.api<{ key: string }>('POST', `/v1/tenants/${tenant.slug}/api-keys`, {
      body: { name: 'reader', scopes: ['data:read'] },
    });
    expect(issued.status).toBe(201);
    const refused = await stack.edge(tenant.host, '/api/data/v1/collections/oapi/records/a', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${issued.body.key}` },
    });
    expect(refused.status).toBe(403);
    const { document } = await documentOf(tenant.host);
    const documented = document.paths['/api/data/v1/collections/{collection}/records/{key}']!.delete!.responses['403']!
      .content!['application/json']!.examples!.InsufficientScope!.value as {
      error: string;
      details: { required: string; granted: string[] };
    };
    const answered = JSON.parse(refused.text) as typeof documented;
    expect(answered.error).toBe(documented.error);
    expect(Object.keys(answered.details).sort()).toEqual(Object.keys(documented.details).sort());
    expect(answered.details).toEqual({ required: documented.details.required, granted: ['data:read'] });
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it("documents the token endpoint's OAuth2 errors and its scope parameter", async () => {
    const { document } = await documentOf(tenant.host);
    const token = document.paths['/api/auth/token']!.post!;
    for (const type of ['application/x-www-form-urlencoded', 'application/json'])
      expect(Object.keys(token.requestBody!.content[type]!.schema.properties!).sort()).toEqual([
        'client_id',
        'client_secret',
        'grant_type',
        'scope',
      ]);
    const errorOf = (status: string) =>
      token.responses[status]!.content!['application/json']!.schema as {
        required: string[];
        properties: { error: { enum: string[] } };
      };
    for (const status of ['400', '401'])
      expect(errorOf(status).required.sort()).toEqual(['error', 'error_description', 'message']);
    expect(errorOf('400').properties.error.enum.sort()).toEqual([
      'invalid_request',
      'invalid_scope',
      'unsupported_grant_type',
    ]);
    expect(errorOf('401').properties.error.enum).toEqual(['invalid_client']);
    expect(token.responses['401']!.headers).toEqual({
      'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' },
    });
    // The token endpoint is not rate limited, so no 429 is promised.
    expect(token.responses['429']).toBeUndefined();
    // What the endpoint answers to a scope outside the key is the documented body.
    const refused = await stack.edge(tenant.host, '/api/auth/token', {
      method: 'POST',
      headers: { authorization: `Bearer ${tenant.key}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=everything',
    });
    expect(refused.status).toBe(400);
    expect(Object.keys(JSON.parse(refused.text) as object).sort()).toEqual(errorOf('400').required.sort());
    expect(JSON.parse(refused.text)).toMatchObject({ error: 'invalid_scope' });
  });

  it('serves Swagger UI from the package itself, and nothing on a host that is no tenant', async () => {
    const page = await stack.edge(tenant.host, '/api/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain('/api/docs/swagger-ui-bundle.js');
    expect(page.text).not.toMatch(/https?:\/\//);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    const bundle = await stack.edge(tenant.host, '/api/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.raw.length).toBeGreaterThan(100_000);
    expect((await stack.edge(tenant.host, '/api/docs/init.js')).text).toContain("'/api/openapi.json'");
    expect((await stack.edge(tenant.host, '/api/docs/package.json')).status).toBe(404);
    expect((await stack.edge('nobody.localhost', '/api/openapi.json')).status).toBe(404);
    expect((await stack.edge('nobody.localhost', '/api/docs')).status).toBe(404);
  });
});
