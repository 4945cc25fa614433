import { z } from 'zod';
import type { BrandingInput } from '@platform/branding';
import type { DesiredState, TenantPlacement, Tier } from '@platform/database';

/** The desired state of one tenant; both provisioning targets converge exactly this. */
export interface TenantSpec {
  tenantId: string;
  slug: string;
  displayName: string;
  tier: Tier;
  /** Decided at onboarding from the tier; never changes for a tenant. */
  placement: TenantPlacement;
  branding: BrandingInput;
  domains: string[];
  state: DesiredState;
  generation: number;
}

export const SLUG_PATTERN = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;

// Names people expect to belong to the platform itself, or that would confuse a browser.
export const RESERVED_SLUGS: ReadonlySet<string> = new Set([
  'admin',
  'api',
  'app',
  'apps',
  'assets',
  'auth',
  'billing',
  'cdn',
  'console',
  'dashboard',
  'docs',
  'edge',
  'ftp',
  'health',
  'help',
  'imap',
  'internal',
  'localhost',
  'login',
  'mail',
  'metrics',
  'ns1',
  'ns2',
  'platform',
  'pop',
  'root',
  'smtp',
  'static',
  'status',
  'support',
  'system',
  'www',
]);

export const TIERS = ['starter', 'business', 'enterprise'] as const satisfies readonly Tier[];
export const MAX_DOMAINS = 10;

const hostnameLabel = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
// The last label must hold a letter: an IP address is not a tenant's domain.
const HOSTNAME_PATTERN = new RegExp(
  `^(?=.{4,253}$)${hostnameLabel}(?:\\.${hostnameLabel})*\\.(?=[a-z0-9-]*[a-z])${hostnameLabel}$`,
);

export const slugSchema = z
  .string()
  .regex(SLUG_PATTERN, 'must be a DNS label: 3-40 characters, a-z, 0-9 and "-", starting with a letter')
  .refine((slug) => !RESERVED_SLUGS.has(slug), 'is reserved by the platform')
  .refine((slug) => !slug.includes('--'), 'must not contain "--"');

const colorSchema = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour like #1a2b3c')
  .transform((color) => color.toLowerCase());

// The body limit bounds the length; the logo check names the real limit (256 KiB decoded).
// Whitespace is dropped so wrapped output of `base64 logo.png` is accepted.
const logoSchema = z
  .object({
    contentType: z.enum(['image/svg+xml', 'image/png']),
    base64: z
      .string()
      .min(1)
      .transform((base64) => base64.replace(/\s+/g, '')),
  })
  .strict();

export const brandingSchema = z
  .object({
    primaryColor: colorSchema,
    accentColor: colorSchema.optional(),
    logo: logoSchema.optional(),
  })
  .strict();

const domainSchema = z
  .string()
  .max(253)
  .transform((domain) => domain.toLowerCase().replace(/\.$/, ''))
  .refine((domain) => HOSTNAME_PATTERN.test(domain), 'must be a hostname like shop.example.com');

const domainsSchema = z
  .array(domainSchema)
  .max(MAX_DOMAINS)
  .refine((domains) => new Set(domains).size === domains.length, 'must not repeat a domain');

const displayNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), 'must not contain control characters');

/** A per-tenant override of its tier's request limits, enforced wherever a workload call is answered. */
export const tenantLimitsSchema = z
  .object({
    requestsPerSecond: z.number().int().min(1).max(1_000_000),
    burst: z.number().int().min(1).max(10_000_000),
  })
  .strict()
  .refine((limits) => limits.burst >= limits.requestsPerSecond, {
    message: 'burst must be at least requestsPerSecond',
    path: ['burst'],
  });

export type TenantLimits = z.infer<typeof tenantLimitsSchema>;

export const createTenantSchema = z
  .object({
    slug: slugSchema,
    displayName: displayNameSchema,
    tier: z.enum(TIERS),
    branding: brandingSchema,
    domains: domainsSchema.optional(),
    limits: tenantLimitsSchema.optional(),
  })
  .strict();

export const patchTenantSchema = z
  .object({
    displayName: displayNameSchema.optional(),
    tier: z.enum(TIERS).optional(),
    branding: brandingSchema.optional(),
    domains: domainsSchema.optional(),
    // null goes back to the tier's limits.
    limits: tenantLimitsSchema.nullable().optional(),
  })
  .strict()
  .refine(
    (patch) => Object.keys(patch).length > 0,
    'must change at least one of displayName, tier, branding, domains, limits',
  );

export type CreateTenantInput = z.infer<typeof createTenantSchema>;
export type PatchTenantInput = z.infer<typeof patchTenantSchema>;
export type BrandingSpec = z.infer<typeof brandingSchema>;
