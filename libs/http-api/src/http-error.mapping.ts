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
    case 'InsufficientScope':
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
    case 'PlacementChangeRefused':
    case 'CounterExists':
      return 409;
    case 'RateLimited':
    case 'TooManyConcurrentRequests':
      return 429;
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

/** The realm every bearer challenge names: the tenant's workload API (and the admin API, same scheme). */
const REALM = 'api';

/**
 * Headers a refusal must carry for clients to know what to do next: the bearer challenge of
 * RFC 6750 §3 on every 401 and insufficient-scope 403, and when to retry on a 429.
 */
export function refusalHeadersOf(
  code: ErrorCode,
  details: unknown,
  authorization: string | undefined,
): Record<string, string> {
  switch (code) {
    case 'Unauthenticated':
      // Without any credential the challenge carries no error code (RFC 6750 §3.1).
      return {
        'www-authenticate': authorization ? bearerChallenge({ error: 'invalid_token' }) : bearerChallenge({}),
      };
    case 'InsufficientScope': {
      const required = (details as { required?: unknown } | undefined)?.required;
      return {
        'www-authenticate': bearerChallenge({
          error: 'insufficient_scope',
          scope: typeof required === 'string' ? required : '',
        }),
      };
    }
    case 'RateLimited':
    case 'TooManyConcurrentRequests':
      return rateLimitHeadersOf(details as RateLimitDetails);
    default:
      return {};
  }
}

/** What a 429's details hold; the headers follow the IETF RateLimit header fields draft (-07). */
export interface RateLimitDetails {
  limit: number;
  remaining: number;
  resetSeconds: number;
  retryAfterSeconds: number;
}

function rateLimitHeadersOf(details: RateLimitDetails): Record<string, string> {
  return {
    'retry-after': String(details.retryAfterSeconds),
    'ratelimit-limit': String(details.limit),
    'ratelimit-remaining': String(details.remaining),
    'ratelimit-reset': String(details.resetSeconds),
  };
}

function bearerChallenge(params: Record<string, string>): string {
  const quoted = Object.entries({ realm: REALM, ...params }).map(
    ([name, value]) => `${name}="${value.replace(/["\\]/g, '')}"`,
  );
  return `Bearer ${quoted.join(', ')}`;
}
