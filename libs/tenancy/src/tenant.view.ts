import { type ProvisioningJob, type Tenant, type TenantPlacement, placementOfRow } from '@platform/database';
import type { PlatformConfig } from '@platform/config';
import { provisioningJobId } from '@platform/queue';
import type { BrandingSpec, TenantLimits } from './tenant-spec.js';
import type { TenantCondition } from './tenant-conditions.js';

export interface TenantView {
  id: string;
  slug: string;
  displayName: string;
  tier: Tenant['tier'];
  /** Where its data lives: the pooled database, or a database of its own (`silo`, enterprise tenants). */
  placement: TenantPlacement;
  branding: {
    primaryColor: string;
    accentColor: string | null;
    logo: { contentType: string; bytes: number } | null;
  };
  domains: string[];
  /** The tenant's own request limits; null when its tier's apply. */
  limits: TenantLimits | null;
  desiredState: Tenant['desiredState'];
  generation: number;
  status: { phase: Tenant['phase']; observedGeneration: number; conditions: TenantCondition[] };
  url: string;
  createdAt: string;
  updatedAt: string;
  links: { self: string; jobs: string; latestJob: string };
}

export function tenantUrl(slug: string, platform: PlatformConfig['platform']): string {
  const port = platform.edgePublicPort === 80 ? '' : `:${platform.edgePublicPort}`;
  return `http://${slug}.${platform.domain}${port}/`;
}

/** The logo's bytes are not echoed back: a tenant view stays small and lists stay fast. */
export function toTenantView(tenant: Tenant, platform: PlatformConfig['platform']): TenantView {
  const branding = tenant.branding as BrandingSpec;
  return {
    id: tenant.id,
    slug: tenant.slug,
    displayName: tenant.displayName,
    tier: tenant.tier,
    placement: placementOfRow(tenant),
    branding: {
      primaryColor: branding.primaryColor,
      accentColor: branding.accentColor ?? null,
      logo: branding.logo
        ? { contentType: branding.logo.contentType, bytes: Buffer.from(branding.logo.base64, 'base64').length }
        : null,
    },
    domains: tenant.domains,
    limits: (tenant.limits as TenantLimits | null) ?? null,
    desiredState: tenant.desiredState,
    generation: tenant.generation,
    status: {
      phase: tenant.phase,
      observedGeneration: tenant.observedGeneration,
      conditions: tenant.conditions as unknown as TenantCondition[],
    },
    url: tenantUrl(tenant.slug, platform),
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
    links: {
      self: `/v1/tenants/${tenant.id}`,
      jobs: `/v1/tenants/${tenant.id}/jobs`,
      latestJob: `/v1/jobs/${provisioningJobId(tenant.id, tenant.generation)}`,
    },
  };
}

export interface JobView {
  id: string;
  tenantId: string;
  generation: number;
  kind: ProvisioningJob['kind'];
  state: ProvisioningJob['state'];
  attempts: number;
  failedReason: string | null;
  requestedBy: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export function toJobView(job: ProvisioningJob): JobView {
  return {
    id: job.id,
    tenantId: job.tenantId,
    generation: job.generation,
    kind: job.kind,
    state: job.state,
    attempts: job.attempts,
    failedReason: job.failedReason,
    requestedBy: job.requestedBy,
    queuedAt: job.queuedAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
    durationMs: job.startedAt && job.finishedAt ? job.finishedAt.getTime() - job.startedAt.getTime() : null,
  };
}
