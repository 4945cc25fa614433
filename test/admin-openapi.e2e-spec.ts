import SwaggerParser from '@apidevtools/swagger-parser';
import { Stack } from './support/stack.js';

interface Operation {
  operationId?: string;
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}
type Document = Parameters<typeof SwaggerParser.validate>[0] & {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown> };
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

let stack: Stack;
let document: Document;

beforeAll(async () => {
  stack = await Stack.start(['control-plane']);
  document = (await (await fetch(`${stack.controlPlaneUrl}/docs/openapi.json`)).json()) as Document;
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

function operations(): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );
}

describe('the admin OpenAPI document', () => {
  it('is accepted by a stock OpenAPI validator', async () => {
    await expect(SwaggerParser.validate(structuredClone(document))).resolves.toBeDefined();
  });

  it('gives every operation a 2xx answer with a schema (204 without a body) and the error body for its errors', () => {
    const all = operations();
    expect(all.length).toBeGreaterThanOrEqual(16);
    for (const [name, operation] of all) {
      const success = Object.entries(operation.responses).filter(([status]) => /^2\d\d$/.test(status));
      expect([name, success.length]).toEqual([name, 1]);
      const [status, answer] = success[0]!;
      if (status !== '204')
        expect([name, answer.content?.['application/json']?.schema]).toEqual([name, expect.any(Object)]);
      for (const error of ['401', '403', '500', '503']) {
        expect([name, operation.responses[error]?.content?.['application/json']?.schema]).toEqual([
          name,
          { $ref: '#/components/schemas/Error' },
        ]);
      }
    }
    expect(document.components?.schemas?.Error).toMatchObject({ required: ['error', 'message'] });
  });

  it('describes the tenant, the new token routes and the list query parameters from the same schemas', () => {
    const created = document.paths['/v1/tenants']!.post!.responses['202']!.content!['application/json']!.schema!;
    expect(created).toMatchObject({ properties: { slug: { type: 'string' }, status: { type: 'object' } } });
    expect(Object.keys(document.paths['/v1/operator-tokens']!).sort()).toEqual(['get', 'post']);
    expect(document.paths['/v1/operator-tokens/{id}']!.delete!.responses['204']).toBeDefined();
    const list = document.paths['/v1/tenants']!.get!.parameters!.filter((parameter) => parameter.in === 'query');
    expect(list.map((parameter) => parameter.name).sort()).toEqual(['cursor', 'limit', 'phase']);
    expect(list.find((parameter) => parameter.name === 'limit')!.schema).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 200,
    });
    const rotation = document.paths['/v1/tenants/{ref}/credentials/rotate']!.post!.responses;
    expect(rotation['200']!.content!['application/json']!.schema).toMatchObject({
      required: expect.arrayContaining(['tenantId', 'slug', 'loginRole', 'rotatedAt', 'generation']),
    });
    expect(Object.keys(rotation)).toEqual(expect.arrayContaining(['404', '409']));
    for (const path of ['/v1/tenants/{ref}/usage', '/v1/usage']) {
      const usage = document.paths[path]!.get!;
      expect(Object.keys(usage.responses['200']!.content!).sort()).toEqual(['application/json', 'text/csv']);
      expect(usage.responses['200']!.content!['application/json']!.schema).toMatchObject({ required: ['rows'] });
      expect(usage.responses['400']).toBeDefined();
      expect(usage.parameters!.filter((parameter) => parameter.in === 'query').length).toBeGreaterThan(0);
    }
    const audit = document.paths['/v1/audit-events']!.get!.parameters!.map((parameter) => parameter.name);
    expect(audit.sort()).toEqual(['cursor', 'limit', 'targetId']);
  });
});
