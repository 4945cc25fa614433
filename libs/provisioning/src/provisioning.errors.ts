import { isDependencyUnavailable, isDomainError } from '@platform/errors';

/** Another worker holds this tenant; not a failure, just "try again shortly". */
export class TenantBusyError extends Error {
  constructor(tenantId: string) {
    super(`Tenant ${tenantId} is being provisioned by another job`);
    this.name = 'TenantBusy';
  }
}

/** The spec itself cannot be provisioned; retrying will not help. */
export class InvalidSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidSpec';
  }
}

export interface ClassifiedFailure {
  terminal: boolean;
  reason: string;
  message: string;
}

// Serialization failures and deadlocks: the same work succeeds when run again.
const RETRYABLE_CODES = new Set(['40001', '40P01']);

/** The one place that decides retry-or-fail for a provisioning failure. */
export function classifyFailure(error: unknown): ClassifiedFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof InvalidSpecError || isDomainError(error)) {
    return { terminal: true, reason: 'InvalidSpec', message };
  }
  if (isDependencyUnavailable(error)) return { terminal: false, reason: 'DependencyUnavailable', message };
  const code = (error as { code?: string })?.code ?? (error as { cause?: { code?: string } })?.cause?.code;
  if (code && RETRYABLE_CODES.has(code)) return { terminal: false, reason: 'Conflict', message };
  return { terminal: false, reason: 'ProvisioningError', message };
}
