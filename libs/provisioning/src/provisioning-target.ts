import type { ConditionUpdate, TenantSpec } from '@platform/tenancy';

/** What a target reports after converging a tenant; becomes the tenant's status conditions. */
export interface ConvergeResult {
  conditions: ConditionUpdate[];
}

/** One implementation per place tenants can run (this machine, GCP + Kubernetes); both take the same spec. */
export interface ProvisioningTarget {
  readonly name: string;
  /** Makes everything the spec asks for exist; safe to run again after a crash at any point. */
  converge(spec: TenantSpec): Promise<ConvergeResult>;
  /** Removes everything converge created; safe to run again. */
  teardown(spec: TenantSpec): Promise<void>;
}

export const PROVISIONING_TARGET = Symbol('PROVISIONING_TARGET');
