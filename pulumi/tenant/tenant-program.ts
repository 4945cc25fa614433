import type { TenantSpec } from '@platform/tenancy';
import { planTenant } from './tenant-plan.js';
import type { TenantProgramSettings } from './tenant-settings.js';
import { TenantStack } from './tenant-stack.js';

/** What the tenant stack exports; the provisioner stores these on the tenant. */
export function tenantOutputs(stack: TenantStack) {
  return {
    url: stack.url,
    namespace: stack.namespace,
    hostnames: stack.hostnames,
    cdnBucket: stack.cdnBucket,
    cdnBackendBucket: stack.cdnBackendBucket,
    brandingObjects: stack.brandingObjects,
    dnsRecords: stack.dnsRecords,
    customDomainTargets: stack.customDomainTargets,
    ipAddress: stack.ipAddress,
  };
}

export type TenantOutputs = ReturnType<typeof tenantOutputs>;

/**
 * The tenant program as a function of the spec: usable as an Automation API inline program, by
 * the CLI entry point and by tests. Settings may be built lazily because a StackReference can
 * only be created while a program runs.
 */
export function tenantProgram(spec: TenantSpec, settings: TenantProgramSettings | (() => TenantProgramSettings)) {
  return async (): Promise<TenantOutputs> => {
    const resolved = typeof settings === 'function' ? settings() : settings;
    const stack = new TenantStack(`tenant-${spec.slug}`, {
      plan: planTenant(spec, resolved.platformDomain),
      settings: resolved,
    });
    return tenantOutputs(stack);
  };
}
