export interface TenantBody {
  slug: string;
  displayName: string;
  tier: 'starter' | 'business' | 'enterprise';
  branding: { primaryColor: string; accentColor?: string; logo?: { contentType: string; base64: string } };
  domains?: string[];
  limits?: { requestsPerSecond: number; burst: number } | null;
}

export const CLEAN_SVG_LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#123456"/></svg>',
).toString('base64');

export function aTenant(overrides: Partial<TenantBody> & { slug: string }): TenantBody {
  return {
    displayName: `Tenant ${overrides.slug}`,
    tier: 'business',
    branding: { primaryColor: '#3366cc', logo: { contentType: 'image/svg+xml', base64: CLEAN_SVG_LOGO } },
    ...overrides,
  };
}
