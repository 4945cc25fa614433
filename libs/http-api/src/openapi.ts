import { z } from 'zod';

/** Our zod schemas are the single definition of each body; OpenAPI reads them from here. */
export function openApiSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Record<
    string,
    unknown
  >;
  return rest;
}
