import { Injectable, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { DomainError } from '@platform/errors';

export interface FieldProblem {
  field: string;
  reason: string;
}

export function toFieldProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(root)',
    reason: issue.message,
  }));
}

/** Validates a request part against a zod schema; the parsed (typed, stripped) value reaches the handler. */
@Injectable()
export class ZodPipe<T extends z.ZodType> implements PipeTransform<unknown, z.output<T>> {
  constructor(
    private readonly schema: T,
    private readonly what = 'Request body',
  ) {}

  transform(value: unknown): z.output<T> {
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) {
      throw new DomainError('ValidationFailed', `${this.what} is invalid`, toFieldProblems(parsed.error));
    }
    return parsed.data;
  }
}
