import { createTenantSchema, patchTenantSchema } from './tenant-spec.js';

const valid = { slug: 'acme', displayName: 'Acme', tier: 'starter', branding: { primaryColor: '#AABBCC' } };

describe('createTenantSchema', () => {
  it('accepts a minimal tenant and normalises colours and domains', () => {
    const sut = createTenantSchema.parse({ ...valid, domains: ['Shop.Example.COM.'] });
    expect(sut.branding.primaryColor).toBe('#aabbcc');
    expect(sut.domains).toEqual(['shop.example.com']);
  });

  it.each([
    ['reserved slug', { slug: 'www' }],
    ['double hyphen', { slug: 'a--b' }],
    ['uppercase slug', { slug: 'Acme' }],
    ['unknown field', { plan: 'gold' }],
    ['bad colour', { branding: { primaryColor: 'red' } }],
    ['repeated domain', { domains: ['a.example.com', 'a.example.com'] }],
  ])('refuses %s', (_case, override) => {
    expect(createTenantSchema.safeParse({ ...valid, ...override }).success).toBe(false);
  });
});

describe('patchTenantSchema', () => {
  it('needs at least one change', () => {
    expect(patchTenantSchema.safeParse({}).success).toBe(false);
    expect(patchTenantSchema.safeParse({ tier: 'enterprise' }).success).toBe(true);
  });
});
