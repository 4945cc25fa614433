import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { z } from 'zod';
import { errorBodySchema, openApiQueryParametersOf, openApiResponseSchemaOf } from '@platform/http-api';
import { issuedOperatorTokenSchema, operatorTokenListSchema } from '@platform/operator-auth';
import { listTenantsQuerySchema } from '@platform/tenancy';
import { usageQuerySchema } from '@platform/usage';
import {
  apiKeyListSchema,
  auditPageSchema,
  credentialsRotationSchema,
  issuedApiKeySchema,
  jobListSchema,
  jobViewSchema,
  tenantPageSchema,
  tenantViewSchema,
  usageSchema,
  allTenantsUsageSchema,
} from './admin-responses.js';
import { auditQuerySchema } from './audit-events.controller.js';

interface OperationAnswers {
  status: number;
  /** Undefined for an answer without a body (204). */
  schema?: z.ZodType;
  description: string;
  /** Error statuses this operation answers besides the ones every operation may (401, 403, 500, 503). */
  errors: number[];
  query?: z.ZodObject;
  /** The answer is also sent as CSV when asked with `Accept: text/csv`. */
  csv?: boolean;
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (ValidationFailed): details name every bad field',
  401: 'No operator token, or one that is unknown, revoked or expired (Unauthenticated)',
  403: "The token's role is not enough (Forbidden)",
  404: 'Not found',
  409: 'Conflict: slug or domain taken, Idempotency-Key reused or already issued, tenant deleted',
  413: 'Body over BODY_LIMIT_BYTES (PayloadTooLarge)',
  422: 'The logo was refused (InvalidBranding): details list the offences',
  500: 'Unexpected (InternalError): details.errorId is in the log',
  503: 'Postgres or Redis unavailable (DependencyUnavailable); retry after Retry-After',
};
const EVERY_OPERATION_ERRORS = [401, 403, 500, 503];

/** Every admin operation's answers, by Nest's operation id (`<Controller>_<method>`). */
const ANSWERS: Record<string, OperationAnswers> = {
  TenantsController_create: {
    status: 202,
    schema: tenantViewSchema,
    description: 'Accepted: the tenant, provisioning as a job',
    errors: [400, 409, 413, 422],
  },
  TenantsController_list: {
    status: 200,
    schema: tenantPageSchema,
    description: 'A page of tenants',
    errors: [400],
    query: listTenantsQuerySchema,
  },
  TenantsController_get: { status: 200, schema: tenantViewSchema, description: 'The tenant', errors: [404] },
  TenantsController_update: {
    status: 202,
    schema: tenantViewSchema,
    description: 'Accepted: generation + 1',
    errors: [400, 404, 409, 413, 422],
  },
  TenantsController_suspend: { status: 202, schema: tenantViewSchema, description: 'Accepted', errors: [404, 409] },
  TenantsController_resume: { status: 202, schema: tenantViewSchema, description: 'Accepted', errors: [404, 409] },
  TenantsController_offboard: { status: 202, schema: tenantViewSchema, description: 'Accepted', errors: [404, 409] },
  TenantsController_jobs: { status: 200, schema: jobListSchema, description: "The tenant's jobs", errors: [404] },
  JobsController_get: { status: 200, schema: jobViewSchema, description: 'The job', errors: [404] },
  ApiKeysController_issue: {
    status: 201,
    schema: issuedApiKeySchema,
    description: 'Issued: the secret is in this answer only',
    errors: [400, 404, 409],
  },
  ApiKeysController_list: { status: 200, schema: apiKeyListSchema, description: 'Active keys', errors: [404] },
  ApiKeysController_revoke: { status: 204, description: 'Revoked', errors: [404] },
  OperatorTokensController_issue: {
    status: 201,
    schema: issuedOperatorTokenSchema,
    description: 'Issued: the token is in this answer only',
    errors: [400, 409],
  },
  OperatorTokensController_list: {
    status: 200,
    schema: operatorTokenListSchema,
    description: 'Every operator token, never a secret',
    errors: [],
  },
  OperatorTokensController_revoke: { status: 204, description: 'Revoked', errors: [404] },
  UsageController_forTenant: {
    status: 200,
    schema: usageSchema,
    description: "The tenant's usage per period (CSV with Accept: text/csv)",
    errors: [400, 404],
    query: usageQuerySchema,
    csv: true,
  },
  UsageController_forAll: {
    status: 200,
    schema: allTenantsUsageSchema,
    description: "Every tenant's usage per period (CSV with Accept: text/csv)",
    errors: [400],
    query: usageQuerySchema,
    csv: true,
  },
  TenantCredentialsController_rotate: {
    status: 200,
    schema: credentialsRotationSchema,
    description: 'Rotated: the new password and key are in force; never a secret',
    errors: [404, 409],
  },
  AuditEventsController_list: {
    status: 200,
    schema: auditPageSchema,
    description: 'A page of audit events, newest first',
    errors: [400],
    query: auditQuerySchema,
  },
};

export function mountOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Tenant control plane')
      .setDescription(
        'Onboard, change, suspend and offboard tenants. Every change answers 202 and runs as a provisioning job. ' +
          'Errors are `{ error, message, details? }` (the Error schema).',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'Operator token' })
      .build(),
  );
  SwaggerModule.setup('docs', app, withAnswers(document), { jsonDocumentUrl: 'docs/openapi.json' });
}

/**
 * Adds each operation's answer and error schemas and its typed query parameters, generated from the
 * zod schemas; an operation that already declares a 2xx schema keeps it.
 */
export function withAnswers(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Error: openApiResponseSchemaOf(errorBodySchema) },
  };
  const errorContent = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
  for (const pathItem of Object.values(document.paths)) {
    for (const operation of Object.values(pathItem)) {
      const answers = ANSWERS[(operation as { operationId?: string }).operationId ?? ''];
      if (!answers) continue;
      const responses: Record<string, unknown> = { ...operation.responses };
      for (const status of Object.keys(responses)) if (/^2\d\d$/.test(status)) delete responses[status];
      responses[String(answers.status)] = {
        description: answers.description,
        ...(answers.schema
          ? {
              content: {
                'application/json': { schema: openApiResponseSchemaOf(answers.schema) },
                ...(answers.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
              },
            }
          : {}),
      };
      for (const status of [...answers.errors, ...EVERY_OPERATION_ERRORS]) {
        responses[String(status)] = { description: ERROR_DESCRIPTIONS[status]!, content: errorContent };
      }
      operation.responses = responses;
      if (answers.query) {
        const others = (operation.parameters ?? []).filter((parameter: { in?: string }) => parameter.in !== 'query');
        operation.parameters = [...others, ...openApiQueryParametersOf(answers.query)];
      }
    }
  }
  return document;
}
