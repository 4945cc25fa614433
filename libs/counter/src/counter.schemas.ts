import { z } from 'zod';

export const MAX_COUNT = 10_000;

export const counterNameSchema = z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'must match ^[a-zA-Z0-9_.-]{1,64}$');

/** `?count=N`: absent means one value answered as `{ value }`; present means a block `{ first, last }`. */
export const countQuerySchema = z.object({
  count: z.coerce.number().int().min(1).max(MAX_COUNT).optional(),
});

// JSON numbers above 2^53 lose precision silently, so larger starts are refused rather than rounded.
export const createCounterSchema = z
  .object({ start: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() })
  .strict();

export const listCountersQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  cursor: counterNameSchema.optional(),
});

export type CountQuery = z.infer<typeof countQuerySchema>;
export type CreateCounterInput = z.infer<typeof createCounterSchema>;
export type ListCountersQuery = z.infer<typeof listCountersQuerySchema>;

export interface CounterValue {
  name: string;
  value: number;
}

export interface CounterBlock {
  name: string;
  first: number;
  last: number;
}

/** `highWaterMark` is the highest value any replica has leased: every value served is ≤ it. */
export interface CounterView {
  name: string;
  start: number;
  highWaterMark: number;
  createdAt: string;
}
