import { aTenantSpec } from '../testing/tenant-fixtures.js';
import { planTenant } from './tenant-plan.js';

describe(planTenant.name, () => {
  it("keeps the longest slug's bucket name within GCS's 63 characters", () => {
    const slug = `a${'b'.repeat(38)}c`;
    const sut = planTenant(aTenantSpec({ slug }), 'saas.example.com');
    expect(sut.bucketName).toHaveLength(63);
    expect(sut.bucketName).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
  });

  it('derives every name from the slug, so names are the same on every run', () => {
    const first = planTenant(aTenantSpec({ slug: 'acme', domains: ['shop.acme.example'] }), 'saas.example.com');
    const again = planTenant(aTenantSpec({ slug: 'acme', domains: ['shop.acme.example'] }), 'saas.example.com');
    expect(again).toEqual(first);
    expect(first).toMatchObject({
      name: 'tenant-acme',
      namespace: 'tenant-acme',
      platformHostname: 'acme.saas.example.com',
      hostnames: ['acme.saas.example.com', 'shop.acme.example'],
    });
  });

  it('gives two platforms different buckets for the same slug', () => {
    const prod = planTenant(aTenantSpec({ slug: 'acme' }), 'saas.example.com');
    const staging = planTenant(aTenantSpec({ slug: 'acme' }), 'staging.saas.example.com');
    expect(prod.bucketName).not.toBe(staging.bucketName);
  });
});
