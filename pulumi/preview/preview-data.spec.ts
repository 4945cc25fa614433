import { MOCK_TENANT_CONFIG } from '../testing/recording-mocks.js';
import { SECRET_PLACEHOLDER } from './preview-data.js';
import { PREVIEW_PLATFORM_STACK_NAME, previewPlatform, previewTenant, specFrom } from './preview-stacks.js';
import { previewStack } from './preview-data.js';

describe('preview as data', () => {
  it('lists the tenant stack tenant-<slug> with type tokens and inputs, secrets as "[secret]"', async () => {
    const { stack, run } = await previewTenant(await specFrom('acme', 'business'), 'saas.example.com');
    const sut = previewStack(stack, run);
    expect(sut.stack).toBe('tenant-acme');
    expect(sut.resources.every((resource) => Object.keys(resource).join() === 'type,name,inputs')).toBe(true);
    const types = sut.resources.map((resource) => resource.type);
    expect(types).toEqual(expect.arrayContaining(['kubernetes:apps/v1:Deployment', 'gcp:compute/uRLMap:URLMap']));
    const secret = sut.resources.find((resource) => resource.type === 'kubernetes:core/v1:Secret');
    expect(secret?.inputs.stringData).toBe(SECRET_PLACEHOLDER);
    const printed = JSON.stringify(sut);
    for (const value of [MOCK_TENANT_CONFIG.tenantDatabaseUrl, MOCK_TENANT_CONFIG.tenantTokenSigningKey]) {
      expect(printed).not.toContain(value);
    }
  });

  it('lists the platform stack with its migration Job, control plane and provisioner', async () => {
    const { stack, run } = await previewPlatform('saas.example.com');
    const sut = previewStack(stack, run);
    expect(sut.stack).toBe(PREVIEW_PLATFORM_STACK_NAME);
    expect(sut.resources.map((resource) => resource.type)).toEqual(
      expect.arrayContaining(['kubernetes:batch/v1:Job', 'kubernetes:apps/v1:Deployment']),
    );
    expect(JSON.stringify(sut)).not.toContain('preview-database-password');
  });
});
