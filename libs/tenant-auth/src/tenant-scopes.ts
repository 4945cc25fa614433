import { z } from 'zod';
import { DomainError } from '@platform/errors';

/** What a tenant API key (and the tokens bought with it) may call. */
export const TENANT_SCOPES = ['counter', 'data:read', 'data:write'] as const;
export type TenantScope = (typeof TENANT_SCOPES)[number];

export const tenantScopesSchema = z
  .array(z.enum(TENANT_SCOPES))
  .min(1)
  .refine((scopes) => new Set(scopes).size === scopes.length, 'must not repeat a scope');

export type Workload = 'counter' | 'data';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The scope a workload call needs: the counter is one scope; the data API splits reads from writes. */
export function requiredScopeOf(workload: Workload, method: string): TenantScope {
  if (workload === 'counter') return 'counter';
  return READ_METHODS.has(method.toUpperCase()) ? 'data:read' : 'data:write';
}

/**
 * A stored or claimed scope list as today's scopes. Tokens issued before scopes existed claim
 * `["counter","data"]`; `data` was everything the data API offers.
 */
export function tenantScopesOf(claimed: readonly string[]): TenantScope[] {
  const scopes = new Set<TenantScope>();
  for (const scope of claimed) {
    if (scope === 'data') {
      scopes.add('data:read');
      scopes.add('data:write');
    } else if ((TENANT_SCOPES as readonly string[]).includes(scope)) scopes.add(scope as TenantScope);
  }
  return TENANT_SCOPES.filter((scope) => scopes.has(scope));
}

/**
 * A token request's `scope` (RFC 6749 §3.3: space-separated) narrowed to what the key grants;
 * absent means all of the key's scopes. Anything unknown or outside the key is `InsufficientScope`.
 */
export function narrowedScopesOf(granted: readonly TenantScope[], requested: string | undefined): TenantScope[] {
  if (requested === undefined) return granted.slice();
  const asked = requested.split(' ').filter((scope) => scope.length > 0);
  if (asked.length === 0) throw new DomainError('InsufficientScope', 'scope is empty', { required: '' });
  const outside = asked.filter((scope) => !(granted as readonly string[]).includes(scope));
  if (outside.length > 0) {
    throw new DomainError('InsufficientScope', `This API key does not grant ${outside.join(' ')}`, {
      required: outside.join(' '),
      granted,
    });
  }
  return TENANT_SCOPES.filter((scope) => asked.includes(scope));
}

/** Refuses a caller whose credential does not grant what the call needs (403 `insufficient_scope`). */
export function assertScope(scopes: readonly string[], required: TenantScope): void {
  if (!scopes.includes(required)) {
    throw new DomainError('InsufficientScope', `This credential does not grant the ${required} scope`, {
      required,
      granted: scopes,
    });
  }
}
