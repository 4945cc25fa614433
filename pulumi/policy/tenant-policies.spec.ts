import { previewPlatformSettings } from '../platform/platform-settings.js';
import { platformProgram } from '../platform/platform-program.js';
import { runPolicies } from '../testing/policy-harness.js';
import { MOCK_PLATFORM_OUTPUTS, type RecordedResource, recordProgram } from '../testing/recording-mocks.js';
import { aTenantSpec, someTenantSettings } from '../testing/tenant-fixtures.js';
import { tenantProgram } from '../tenant/tenant-program.js';
import type { Tier } from '../tenant/tenant-sizing.js';
import { TENANT_POLICIES } from './tenant-policies.js';

interface PodTemplate {
  metadata: { name: string; namespace: string };
  spec: { template: { spec: { containers: { args?: string[]; env: { name: string; value: string }[] }[] } } };
}

const render = async (overrides: Parameters<typeof someTenantSettings>[0] = {}, tier: Tier = 'business') =>
  (await recordProgram(tenantProgram(aTenantSpec({ tier }), someTenantSettings(overrides)))).resources;

describe('tenant policy pack', () => {
  it.each(['starter', 'business', 'enterprise'] satisfies Tier[])('accepts the real %s tenant stack', async (tier) => {
    expect(await runPolicies(TENANT_POLICIES, await render({}, tier))).toEqual([]);
  });

  it("accepts the platform stack's own workloads (hardened, by digest, each starting its app)", async () => {
    const resources = (await recordProgram(platformProgram(previewPlatformSettings('saas.example.com')))).resources;
    expect(await runPolicies(TENANT_POLICIES, resources)).toEqual([]);
  });

  it('refuses a deliberately broken tenant stack, naming every broken invariant', async () => {
    const resources = await render({
      image: `${MOCK_PLATFORM_OUTPUTS.registryUrl}/platform:latest`,
      tenant: {
        databaseUrl: 'postgresql://platform:secret@10.30.0.3:5432/platform?sslmode=verify-full',
        tokenSigningKey: 'key',
        redisPrefix: 't:x:',
      },
    });
    const broken = resources
      // No default-deny policy.
      .filter((resource) => (resource.inputs as { metadata?: { name?: string } }).metadata?.name !== 'default-deny')
      .map((resource): RecordedResource => {
        if (resource.type !== 'kubernetes:apps/v1:Deployment') return resource;
        const deployment = structuredClone(resource.inputs) as unknown as PodTemplate;
        const [container] = deployment.spec.template.spec.containers;
        if (deployment.metadata.name === 'counter') delete container.args;
        if (deployment.metadata.name === 'edge')
          container.env.push({ name: 'EDGE_SIGNING_SECRET', value: 'shared-by-every-tenant-000000000000' });
        return { ...resource, inputs: deployment as unknown as Record<string, unknown> };
      });

    const violations = await runPolicies(TENANT_POLICIES, broken);

    const byPolicy = (name: string) =>
      violations.filter((violation) => violation.policy === name).map((v) => v.message);
    expect(byPolicy('images-by-digest')).toHaveLength(3);
    expect(byPolicy('images-by-digest')[0]).toContain('platform:latest, not by digest');
    expect(byPolicy('starts-its-app')).toEqual([
      'kubernetes:apps/v1:Deployment tenant-acme/counter starts the image default instead of its app counter',
    ]);
    expect(byPolicy('default-deny-network-policy')).toEqual([
      'namespace tenant-acme has no default-deny NetworkPolicy',
    ]);
    expect(byPolicy('no-platform-secret-in-tenant-namespace').sort()).toEqual([
      'kubernetes:apps/v1:Deployment tenant-acme/edge holds the platform-wide EDGE_SIGNING_SECRET',
      'kubernetes:core/v1:Secret tenant-acme/tenant-credentials DATABASE_URL connects as the platform database user',
    ]);
  });

  it('refuses containers that may run as root, write their root filesystem or set no resources', async () => {
    const resources = (await render()).map((resource): RecordedResource => {
      if (resource.type !== 'kubernetes:apps/v1:Deployment') return resource;
      const inputs = structuredClone(resource.inputs) as {
        metadata: { name: string };
        spec: { template: { spec: { securityContext?: unknown; containers: Record<string, unknown>[] } } };
      };
      if (inputs.metadata.name !== 'data-api') return resource;
      delete inputs.spec.template.spec.securityContext;
      const [container] = inputs.spec.template.spec.containers;
      container.securityContext = {};
      delete container.resources;
      return { ...resource, inputs: inputs as unknown as Record<string, unknown> };
    });
    const messages = (await runPolicies(TENANT_POLICIES, resources)).map((violation) => violation.message);
    expect(messages).toEqual([
      'kubernetes:apps/v1:Deployment tenant-acme/data-api container data-api may run as root (runAsNonRoot is not true)',
      'kubernetes:apps/v1:Deployment tenant-acme/data-api container data-api has a writable root filesystem',
      'kubernetes:apps/v1:Deployment tenant-acme/data-api container data-api sets no cpu requests',
      'kubernetes:apps/v1:Deployment tenant-acme/data-api container data-api sets no memory requests',
      'kubernetes:apps/v1:Deployment tenant-acme/data-api container data-api sets no cpu limits',
      'kubernetes:apps/v1:Deployment tenant-acme/data-api container data-api sets no memory limits',
    ]);
  });
});
