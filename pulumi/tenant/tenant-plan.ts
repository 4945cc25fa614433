import { createHash } from 'node:crypto';
import { type BrandingBundle, buildBrandingBundle } from '@platform/branding';
import type { TenantPlacement } from '@platform/database';
import type { TenantSpec } from '@platform/tenancy';
import { TIER_SIZING, type TierSizing } from './tenant-sizing.js';

/** The tenant's apps on GKE: its own edge (landing page, token endpoint) and its two workloads; each is the image's app argument. */
export const WORKLOADS = ['edge', 'counter', 'data-api'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export interface TenantPlan {
  tenantId: string;
  slug: string;
  /** Prefix of every resource name: stable across runs because it derives from the slug only. */
  name: string;
  namespace: string;
  labels: Record<string, string>;
  platformHostname: string;
  hostnames: string[];
  customDomains: string[];
  sizing: TierSizing;
  suspended: boolean;
  branding: BrandingBundle;
  bucketName: string;
  /** Pooled: the platform's database; silo: a database of its own on the silo instance. */
  placement: TenantPlacement;
}

/** Pure: what a tenant stack consists of, before any Pulumi resource exists. */
export function planTenant(spec: TenantSpec, platformDomain: string): TenantPlan {
  const name = `tenant-${spec.slug}`;
  const platformHostname = `${spec.slug}.${platformDomain}`;
  return {
    tenantId: spec.tenantId,
    slug: spec.slug,
    name,
    namespace: name,
    labels: { 'app.kubernetes.io/managed-by': 'pulumi', 'platform/tenant': spec.slug, 'platform/tier': spec.tier },
    platformHostname,
    hostnames: [platformHostname, ...spec.domains],
    customDomains: [...spec.domains],
    sizing: TIER_SIZING[spec.tier],
    suspended: spec.state === 'suspended',
    branding: buildBrandingBundle({ slug: spec.slug, displayName: spec.displayName, branding: spec.branding }),
    bucketName: bucketNameFor(spec.slug, platformDomain),
    placement: spec.placement,
  };
}

// Bucket names are global across all of GCS; a short hash of the platform domain keeps two
// platforms (prod, staging) from colliding while staying within the 63-character limit.
function bucketNameFor(slug: string, platformDomain: string): string {
  const tag = createHash('sha256').update(platformDomain).digest('hex').slice(0, 8);
  return `tenant-${slug}-assets-${tag}`;
}
