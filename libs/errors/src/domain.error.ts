/**
 * Every error the platform answers on purpose has one of these codes. The HTTP mapping in
 * `http-error.mapping.ts` switches over them exhaustively, so adding a code without a status
 * does not compile.
 */
export type ErrorCode =
  | 'ValidationFailed'
  | 'InvalidBranding'
  | 'Unauthenticated'
  | 'Forbidden'
  | 'InsufficientScope'
  | 'RateLimited'
  | 'TooManyConcurrentRequests'
  | 'TenantNotFound'
  | 'JobNotFound'
  | 'ApiKeyNotFound'
  | 'CounterNotFound'
  | 'SlugTaken'
  | 'DomainTaken'
  | 'IdempotencyKeyReused'
  | 'AlreadyIssued'
  | 'OperatorTokenNotFound'
  | 'TenantDeleted'
  | 'InvalidTransition'
  | 'PlacementChangeRefused'
  | 'CounterExists'
  | 'RecordNotFound'
  | 'IngestionNotFound'
  | 'PayloadTooLarge'
  | 'UnsupportedMediaType'
  | 'NotImplemented'
  | 'DependencyUnavailable';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = code;
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
