import SwaggerParser from '@apidevtools/swagger-parser';
import { type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack } from './support/stack.js';

interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string }[];
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

interface TenantDocument {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, unknown>;
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
    expect(parameters('/api/data/v1/measurements', 'post')).toEqual(
      expect.arrayContaining(['query:async', 'header:Idempotency-Key']),
    );
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
