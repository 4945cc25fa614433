import { Controller, Get, Headers, Param, Req, Res } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  type CounterBlock,
  type CounterValue,
  type CounterView,
  counterNameSchema,
  countQuerySchema,
  createCounterSchema,
  listCountersQuerySchema,
} from '@platform/counter';
import {
  acceptedAnswerSchema,
  collectionNameSchema,
  importQuerySchema,
  importedAnswerSchema,
  ingestQuerySchema,
  ingestionAnswerSchema,
  ingestionSubmittedAnswerSchema,
  listMeasurementsQuerySchema,
  listRecordsQuerySchema,
  measurementSchema,
  readingsPageSchema,
  recordAnswerSchema,
  recordItemSchema,
  recordKeySchema,
  recordsPageSchema,
  statsAnswerSchema,
  statsQuerySchema,
  upsertedAnswerSchema,
} from '@platform/data';
import { IDEMPOTENCY_KEY } from '@platform/database';
import { openApiSchemaOf } from '@platform/http-api';
import { RouteResolver } from '@platform/routing';
import { type AccessToken, TENANT_SCOPES, type TenantScope } from '@platform/tenant-auth';
import { type EdgeAnswer, htmlAnswer, jsonAnswer } from './edge-answer.js';
import type { OAuthErrorCode } from './edge-tokens.service.js';

type JsonObject = Record<string, unknown>;

/** The scopes an API key or token can carry; the edge enforces them, this document declares them. */
const SCOPES: Record<TenantScope, string> = {
  counter: 'Take sequence numbers and manage counters',
  'data:read': 'Read readings, statistics, records and ingestions',
  'data:write': 'Store readings and records, import files, delete records',
};

const errorBodySchema = z.object({
  error: z.string().describe('A stable code, e.g. ValidationFailed, PayloadTooLarge, IdempotencyKeyReused'),
  message: z.string(),
  details: z.unknown().optional(),
});

const counterValueSchema = z.object({ name: z.string(), value: z.number().int() });
const counterBlockSchema = z.object({ name: z.string(), first: z.number().int(), last: z.number().int() });
const counterViewSchema = z.object({
  name: z.string(),
  start: z.number().int(),
  highWaterMark: z.number().int(),
  createdAt: z.iso.datetime(),
});
const countersPageSchema = z.object({ items: z.array(counterViewSchema), nextCursor: z.string().nullable() });

// The counter answers with TypeScript interfaces; this fails to compile if these schemas and they drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const COUNTER_ANSWERS_MATCH: [
  Same<z.infer<typeof counterValueSchema>, CounterValue>,
  Same<z.infer<typeof counterBlockSchema>, CounterBlock>,
  Same<z.infer<typeof counterViewSchema>, CounterView>,
] = [true, true, true];

const tokenRequestSchema = z.object({
  grant_type: z.literal('client_credentials').optional(),
  client_id: z.string().optional().describe('Any value; the tenant is the hostname'),
  client_secret: z.string().optional().describe('The API key, unless sent as Bearer or HTTP Basic password'),
  scope: z
    .string()
    .optional()
    .describe(
      `Space-separated scopes to narrow the token to (${TENANT_SCOPES.join(', ')}); absent: every scope of the key. ` +
        'One the key does not grant is 400 invalid_scope',
    ),
});
const accessTokenSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string().describe('The scopes granted, space-separated'),
});

export const ACCESS_TOKEN_MATCHES: Same<z.infer<typeof accessTokenSchema>, AccessToken> = true;

/** The token endpoint's refusals (RFC 6749 §5.2), by status. */
const OAUTH_ERRORS = {
  400: ['invalid_request', 'invalid_scope', 'unsupported_grant_type'],
  401: ['invalid_client'],
} as const satisfies Record<number, readonly OAuthErrorCode[]>;
const oauthErrorSchema = (codes: readonly [OAuthErrorCode, ...OAuthErrorCode[]]) =>
  z.object({
    error: z.enum(codes).describe('RFC 6749 §5.2 error code'),
    error_description: z.string(),
    message: z.string().describe('The same text as error_description, in the platform’s error shape'),
  });

const ERROR_STATUSES: Record<number, string> = {
  400: 'Invalid input (ValidationFailed): details name every bad field',
  401: 'No credential, or an unknown, revoked, expired or malformed one (Unauthenticated); `WWW-Authenticate` says why',
  404: 'Not found',
  409: 'Conflict (e.g. an Idempotency-Key reused for another request)',
  413: 'Body, line or batch over its limit',
  415: 'Unsupported content type',
  429:
    'RateLimited: over the tenant’s request rate (retry after `Retry-After` seconds); or TooManyConcurrentRequests: ' +
    'over the tenant’s calls in flight (`Retry-After: 1`)',
  503: 'A dependency is unavailable; retry after `Retry-After` seconds',
};

const seconds = z.number().int().min(0);
const header = (description: string, schema: z.ZodType) => ({ description, schema: openApiSchemaOf(schema) });
/** Response headers, as components: what a client needs to retry or re-authenticate. */
const HEADERS = {
  'WWW-Authenticate': header(
    'Bearer challenge (RFC 6750 §3): `Bearer realm="api"`, with `error="invalid_token"` when a credential was ' +
      'sent, or `error="insufficient_scope", scope="<needed>"` on a 403 InsufficientScope',
    z.string(),
  ),
  'Retry-After': header('Seconds until a retry can succeed (at least 1)', seconds),
  'RateLimit-Limit': header('The tenant’s requests per second', seconds),
  'RateLimit-Remaining': header('Calls left now (0 on a 429)', seconds),
  'RateLimit-Reset': header('Seconds until the bucket has a call again', seconds),
};
const headerRefs = (...names: (keyof typeof HEADERS)[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

/** Example error bodies, so a client sees the codes and details it must handle. */
const errorExample = (error: string, message: string, details?: unknown) => ({
  value: { error, message, ...(details === undefined ? {} : { details }) },
});
const rateLimitDetails = { limit: 50, remaining: 0, resetSeconds: 1, retryAfterSeconds: 1 };

/** The refusals every workload operation may answer, with the scope it needs. */
function callerErrors(scope: TenantScope): JsonObject {
  return {
    401: {
      description: ERROR_STATUSES[401],
      headers: headerRefs('WWW-Authenticate'),
      content: {
        'application/json': {
          schema: ERROR_REF,
          examples: { Unauthenticated: errorExample('Unauthenticated', 'Unknown or revoked API key') },
        },
      },
    },
    403: {
      description:
        `InsufficientScope: the credential does not grant the ${scope} scope (details: { required, granted }; ` +
        '`WWW-Authenticate: Bearer error="insufficient_scope"`); or Forbidden: it is another tenant’s',
      headers: headerRefs('WWW-Authenticate'),
      content: {
        'application/json': {
          schema: ERROR_REF,
          examples: {
            InsufficientScope: errorExample('InsufficientScope', `This credential does not grant the ${scope} scope`, {
              required: scope,
              granted: TENANT_SCOPES.filter((other) => other !== scope),
            }),
            Forbidden: errorExample('Forbidden', 'This API key belongs to another tenant'),
          },
        },
      },
    },
    429: {
      description: ERROR_STATUSES[429],
      headers: headerRefs('Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'),
      content: {
        'application/json': {
          schema: ERROR_REF,
          examples: {
            RateLimited: errorExample('RateLimited', 'Over 50 requests per second', rateLimitDetails),
            TooManyConcurrentRequests: errorExample(
              'TooManyConcurrentRequests',
              'At most 64 calls of a tenant in flight',
              { ...rateLimitDetails, maxInFlight: 64 },
            ),
          },
        },
      },
    },
  };
}

const oauthError = (status: keyof typeof OAUTH_ERRORS, description: string) => ({
  description,
  ...(status === 401 ? { headers: headerRefs('WWW-Authenticate') } : {}),
  content: json(oauthErrorSchema(OAUTH_ERRORS[status])),
});

const json = (schema: z.ZodType) => ({ 'application/json': { schema: openApiSchemaOf(schema) } });

function queryParameters(schema: z.ZodType): JsonObject[] {
  const jsonSchema = openApiSchemaOf(schema) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(jsonSchema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: jsonSchema.required?.includes(name) ?? false,
    schema: property,
    ...(property.type === 'array' || Array.isArray(property.anyOf) ? { style: 'form', explode: true } : {}),
  }));
}

const pathParameter = (name: string, schema: z.ZodType) => ({
  name,
  in: 'path',
  required: true,
  schema: openApiSchemaOf(schema),
});

const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Retry safely: a retry with the same key and body answers the first outcome and stores nothing twice ' +
    '(1-200 visible ASCII characters; the same key with another body or route is 409 IdempotencyKeyReused)',
  schema: openApiSchemaOf(z.string().regex(IDEMPOTENCY_KEY)),
};

interface OperationSpec {
  summary: string;
  scope: TenantScope | null;
  parameters?: JsonObject[];
  requestBody?: JsonObject;
  ok: Record<number, { description: string; content?: JsonObject }>;
  /** Errors with the platform's body; a workload operation adds 401, 403 and 429 (`callerErrors`). */
  errors: number[];
  /** Answers with their own description and body (the token endpoint's OAuth2 errors). */
  answers?: JsonObject;
}

function operation(spec: OperationSpec): JsonObject {
  const responses: JsonObject = {};
  for (const [status, answer] of Object.entries(spec.ok)) responses[status] = answer;
  for (const status of spec.errors) {
    responses[status] = { description: ERROR_STATUSES[status], content: { 'application/json': { schema: ERROR_REF } } };
  }
  Object.assign(responses, spec.scope ? callerErrors(spec.scope) : {}, spec.answers);
  return {
    summary: spec.summary,
    ...(spec.scope
      ? { security: [{ bearer: [] }, { oauth2: [spec.scope] }], 'x-required-scope': spec.scope }
      : { security: [{}, { basic: [] }, { bearer: [] }] }),
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses,
  };
}

const ERROR_REF = { $ref: '#/components/schemas/Error' };
/** Besides 401, 403 and 429, which `operation` adds to every workload operation. */
const AUTH_ERRORS = [503];
const batchBody = (item: z.ZodType, what: string) => ({
  required: true,
  description: `A JSON array of ${what}s, or NDJSON: one ${what} per line (the \`application/x-ndjson\` schema is one line's)`,
  content: {
    'application/json': { schema: { type: 'array', items: openApiSchemaOf(item) } },
    'application/x-ndjson': { schema: openApiSchemaOf(item) },
  },
});

const counterName = pathParameter('name', counterNameSchema);
const collection = pathParameter('collection', collectionNameSchema);
const recordKey = pathParameter('key', recordKeySchema);

/** Every operation a tenant's caller can reach on its own hostname, from the schemas the routes validate with. */
const PATHS: JsonObject = {
  '/api/auth/token': {
    post: operation({
      summary: 'Exchange the API key for a short-lived access token (OAuth2 client credentials)',
      scope: null,
      requestBody: {
        required: false,
        content: {
          'application/x-www-form-urlencoded': { schema: openApiSchemaOf(tokenRequestSchema) },
          'application/json': { schema: openApiSchemaOf(tokenRequestSchema) },
        },
      },
      ok: { 200: { description: 'The access token', content: json(accessTokenSchema) } },
      // The token endpoint is not rate limited; its refusals are RFC 6749 §5.2's.
      errors: [404, 503],
      answers: {
        400: oauthError(
          400,
          'invalid_request (malformed or oversized body, another content type), invalid_scope (a `scope` the key ' +
            'does not grant) or unsupported_grant_type',
        ),
        401: oauthError(
          401,
          'invalid_client: no, an unknown, revoked or malformed API key, or another tenant’s; `WWW-Authenticate` ' +
            'for the scheme used',
        ),
      },
    }),
  },
  '/api/counter/v1/counters/{name}/next': {
    post: operation({
      summary: 'Take the next value (or, with count, a block of consecutive values); creates the counter at 1',
      scope: 'counter',
      parameters: [counterName, ...queryParameters(countQuerySchema)],
      ok: {
        200: {
          description: '`{ name, value }`, or `{ name, first, last }` with count',
          content: {
            'application/json': {
              schema: { oneOf: [openApiSchemaOf(counterValueSchema), openApiSchemaOf(counterBlockSchema)] },
            },
          },
        },
      },
      errors: [400, 409, ...AUTH_ERRORS],
    }),
  },
  '/api/counter/v1/counters/{name}': {
    put: operation({
      summary: 'Create a counter (or re-base one that has leased nothing yet)',
      scope: 'counter',
      parameters: [counterName],
      requestBody: { required: false, content: json(createCounterSchema) },
      ok: { 200: { description: 'The counter', content: json(counterViewSchema) } },
      errors: [400, 409, 413, ...AUTH_ERRORS],
    }),
    get: operation({
      summary: 'Read a counter',
      scope: 'counter',
      parameters: [counterName],
      ok: { 200: { description: 'The counter', content: json(counterViewSchema) } },
      errors: [400, 404, ...AUTH_ERRORS],
    }),
  },
  '/api/counter/v1/counters': {
    get: operation({
      summary: 'List counters by name',
      scope: 'counter',
      parameters: queryParameters(listCountersQuerySchema),
      ok: { 200: { description: 'A page of counters', content: json(countersPageSchema) } },
      errors: [400, ...AUTH_ERRORS],
    }),
  },
  '/api/data/v1/measurements': {
    post: operation({
      summary: 'Store readings (all or nothing), or with async=true queue them',
      scope: 'data:write',
      parameters: [...queryParameters(ingestQuerySchema), idempotencyKeyHeader],
      requestBody: batchBody(measurementSchema, 'reading'),
      ok: {
        200: { description: 'Stored', content: json(acceptedAnswerSchema) },
        202: { description: 'Queued (async=true)', content: json(ingestionSubmittedAnswerSchema) },
      },
      errors: [400, 409, 413, 415, ...AUTH_ERRORS],
    }),
    get: operation({
      summary: 'List readings in time order',
      scope: 'data:read',
      parameters: queryParameters(listMeasurementsQuerySchema),
      ok: { 200: { description: 'A page of readings', content: json(readingsPageSchema) } },
      errors: [400, ...AUTH_ERRORS],
    }),
  },
  '/api/data/v1/measurements/stats': {
    get: operation({
      summary: 'Count, sum, avg, min and max per bucket and source and/or metric',
      scope: 'data:read',
      parameters: queryParameters(statsQuerySchema),
      ok: { 200: { description: 'Statistics', content: json(statsAnswerSchema) } },
      errors: [400, ...AUTH_ERRORS],
    }),
  },
  '/api/data/v1/ingestions/{id}': {
    get: operation({
      summary: 'The outcome of a queued batch',
      scope: 'data:read',
      parameters: [pathParameter('id', z.uuid())],
      ok: { 200: { description: 'The ingestion', content: json(ingestionAnswerSchema) } },
      errors: [400, 404, ...AUTH_ERRORS],
    }),
  },
  '/api/data/v1/collections/{collection}/records': {
    put: operation({
      summary: 'Upsert records (all or nothing)',
      scope: 'data:write',
      parameters: [collection, idempotencyKeyHeader],
      requestBody: batchBody(recordItemSchema, 'record'),
      ok: { 200: { description: 'Stored', content: json(upsertedAnswerSchema) } },
      errors: [400, 409, 413, 415, ...AUTH_ERRORS],
    }),
    get: operation({
      summary: 'List records in bytewise key order',
      scope: 'data:read',
      parameters: [collection, ...queryParameters(listRecordsQuerySchema)],
      ok: { 200: { description: 'A page of records', content: json(recordsPageSchema) } },
      errors: [400, ...AUTH_ERRORS],
    }),
  },
  '/api/data/v1/collections/{collection}/records/{key}': {
    get: operation({
      summary: 'Read a record',
      scope: 'data:read',
      parameters: [collection, recordKey],
      ok: { 200: { description: 'The record', content: json(recordAnswerSchema) } },
      errors: [400, 404, ...AUTH_ERRORS],
    }),
    delete: operation({
      summary: 'Delete a record',
      scope: 'data:write',
      parameters: [collection, recordKey],
      ok: { 204: { description: 'Deleted (no body)' } },
      errors: [400, 404, ...AUTH_ERRORS],
    }),
  },
  '/api/data/v1/collections/{collection}/import': {
    post: operation({
      summary: 'Import a JSON file of records, streamed (an object keyed by record key, or an array with keyField)',
      scope: 'data:write',
      parameters: [collection, ...queryParameters(importQuerySchema), idempotencyKeyHeader],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              oneOf: [
                { type: 'object', additionalProperties: true },
                { type: 'array', items: {} },
              ],
            },
          },
        },
      },
      ok: { 200: { description: 'Stored', content: json(importedAnswerSchema) } },
      errors: [400, 409, 413, 415, ...AUTH_ERRORS],
    }),
  },
};

/** The document for one tenant's hostname: its own origin as the server and its own token endpoint. */
export function tenantOpenApiDocument(origin: string, displayName: string): JsonObject {
  return {
    openapi: '3.0.3',
    info: {
      title: `${displayName} API`,
      version: '1',
      description:
        'The sequence counter, the data API and the token endpoint on this tenant’s own hostname. ' +
        'Every error is `{ error, message, details? }`.',
    },
    servers: [{ url: origin }],
    paths: PATHS,
    components: {
      schemas: { Error: openApiSchemaOf(errorBodySchema) },
      headers: HEADERS,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'An API key (tk_...) or an access token' },
        basic: { type: 'http', scheme: 'basic', description: 'Token endpoint only: the API key as the password' },
        oauth2: {
          type: 'oauth2',
          flows: { clientCredentials: { tokenUrl: `${origin}/api/auth/token`, scopes: SCOPES } },
        },
      },
    },
  };
}

/** Swagger UI's own files, served from the package (no CDN), and the page that starts it on our document. */
const SWAGGER_UI_FILES: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const SWAGGER_UI_DIR = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const DOCS_INIT_JS = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n`;
// The page loads only our own files; its policy is stricter than the edge's default for HTML.
const DOCS_CONTENT_SECURITY_POLICY =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
  "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

function docsPage(title: string): string {
  const escaped = title.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escaped}</title>
<link rel="stylesheet" href="/api/docs/swagger-ui.css"><link rel="icon" href="/api/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script><script src="/api/docs/init.js"></script></body></html>`;
}

const files = new Map<string, Promise<Buffer>>();
function swaggerFile(name: string): Promise<Buffer> {
  let file = files.get(name);
  if (!file) {
    file = readFile(join(SWAGGER_UI_DIR, name));
    files.set(name, file);
  }
  return file;
}

function write(reply: FastifyReply, answer: EdgeAnswer): void {
  void reply.status(answer.status).headers(answer.headers).send(answer.body);
}

/** `GET /api/openapi.json` and Swagger UI at `/api/docs`, on a tenant's own hostname only. */
@Controller('api')
export class TenantOpenApiController {
  constructor(private readonly resolver: RouteResolver) {}

  @Get('openapi.json')
  async document(@Headers('host') host: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const tenant = await this.tenantOn(host);
    if (!tenant) return write(reply, notServed());
    write(reply, jsonAnswer(200, tenantOpenApiDocument(`${request.protocol}://${host}`, tenant)));
  }

  @Get('docs')
  async docs(@Headers('host') host: string, @Res() reply: FastifyReply) {
    const tenant = await this.tenantOn(host);
    if (!tenant) return write(reply, notServed());
    write(
      reply,
      htmlAnswer(200, docsPage(`${tenant} API`), { 'content-security-policy': DOCS_CONTENT_SECURITY_POLICY }),
    );
  }

  @Get('docs/:file')
  async docsFile(@Headers('host') host: string, @Param('file') file: string, @Res() reply: FastifyReply) {
    if (!(await this.tenantOn(host))) return write(reply, notServed());
    if (file === 'init.js') {
      return write(reply, {
        status: 200,
        headers: { 'content-type': 'text/javascript; charset=utf-8' },
        body: DOCS_INIT_JS,
      });
    }
    const type = SWAGGER_UI_FILES[file];
    if (!type) return write(reply, jsonAnswer(404, { error: 'NotFound', message: 'No such file' }));
    write(reply, {
      status: 200,
      headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' },
      body: await swaggerFile(file),
    });
  }

  private async tenantOn(host: string | undefined): Promise<string | undefined> {
    const resolution = await this.resolver.resolve(host);
    return resolution.kind === 'routed' ? resolution.route.slug : undefined;
  }
}

function notServed(): EdgeAnswer {
  return jsonAnswer(404, { error: 'TenantNotFound', message: 'No tenant is served on this host' });
}
