import { z } from 'zod';

/** Our zod schemas are the single definition of each body; OpenAPI reads them from here. */
export function openApiSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** The shape of every error answer (`http-exception.filter.ts`), one component in each document. */
export const errorBodySchema = z.object({
  error: z.string().describe('A stable code, e.g. ValidationFailed, TenantNotFound, InternalError'),
  message: z.string(),
  details: z.unknown().optional().describe('What to fix; for InternalError the errorId to quote'),
});

/** An answer's schema: the output side of a zod schema (defaults applied, as sent). */
export function openApiResponseSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'output',
    unrepresentable: 'any',
  }) as Record<string, unknown>;
  return rest;
}

/** One OpenAPI query parameter per key of a zod object schema, typed from it. */
export function openApiQueryParametersOf(schema: z.ZodObject): Record<string, unknown>[] {
  return Object.entries(schema.shape).map(([name, field]) => {
    const fieldSchema = openApiSchemaOf(field as z.ZodType);
    const { description, ...rest } = fieldSchema as { description?: string };
    return {
      name,
      in: 'query',
      required: !(field as z.ZodType).safeParse(undefined).success,
      schema: rest,
      ...(description ? { description } : {}),
    };
  });
}
