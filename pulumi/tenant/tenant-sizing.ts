import type { TenantSpec } from '@platform/tenancy';

export type Tier = TenantSpec['tier'];

/** Requests and limits of one workload container. */
export interface ContainerSize {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

export interface TierSizing {
  /** Namespace-wide ceiling: a noisy tenant cannot starve the cluster. */
  quota: { requestsCpu: string; requestsMemory: string; limitsCpu: string; limitsMemory: string; pods: number };
  container: ContainerSize;
  replicas: { min: number; max: number };
  /** HPA target; bigger tiers scale out earlier so they keep latency headroom. */
  cpuTargetPercent: number;
}

/** The one table that sizes a tenant by tier; the quota must hold every workload at max replicas. */
export const TIER_SIZING: Readonly<Record<Tier, TierSizing>> = {
  starter: {
    quota: { requestsCpu: '2', requestsMemory: '4Gi', limitsCpu: '6', limitsMemory: '8Gi', pods: 20 },
    container: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    replicas: { min: 1, max: 3 },
    cpuTargetPercent: 80,
  },
  business: {
    quota: { requestsCpu: '10', requestsMemory: '16Gi', limitsCpu: '36', limitsMemory: '32Gi', pods: 60 },
    container: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
    replicas: { min: 2, max: 10 },
    cpuTargetPercent: 70,
  },
  enterprise: {
    quota: { requestsCpu: '48', requestsMemory: '64Gi', limitsCpu: '96', limitsMemory: '128Gi', pods: 200 },
    container: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    replicas: { min: 3, max: 30 },
    cpuTargetPercent: 60,
  },
};
