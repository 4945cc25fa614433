import type { ErrorCode } from '@platform/errors';

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'ValidationFailed':
      return 400;
    case 'InvalidBranding':
      return 422;
    case 'Unauthenticated':
      return 401;
    case 'Forbidden':
      return 403;
    case 'TenantNotFound':
    case 'JobNotFound':
    case 'ApiKeyNotFound':
    case 'OperatorTokenNotFound':
    case 'CounterNotFound':
    case 'RecordNotFound':
    case 'IngestionNotFound':
      return 404;
    case 'PayloadTooLarge':
      return 413;
    case 'UnsupportedMediaType':
      return 415;
    case 'SlugTaken':
    case 'DomainTaken':
    case 'IdempotencyKeyReused':
    case 'AlreadyIssued':
    case 'TenantDeleted':
    case 'InvalidTransition':
    case 'CounterExists':
      return 409;
    case 'NotImplemented':
      return 501;
    case 'DependencyUnavailable':
      return 503;
    default: {
      const unmapped: never = code;
      throw new Error(`Unmapped error code ${String(unmapped)}`);
    }
  }
}
