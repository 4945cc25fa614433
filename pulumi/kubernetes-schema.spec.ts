import { previewPlatformSettings } from './platform/platform-settings.js';
import { platformProgram } from './platform/platform-program.js';
import { type RecordedResource, recordProgram, revealSecret } from './testing/recording-mocks.js';
import { aTenantSpec, someTenantSettings } from './testing/tenant-fixtures.js';
import { tenantProgram } from './tenant/tenant-program.js';
import type { Tier } from './tenant/tenant-sizing.js';

/**
 * Every Kubernetes object the programs render, validated offline against the official Kubernetes
 * OpenAPI schemas (`kubernetes-models`, generated from them). Custom resources of GKE and Managed
 * Prometheus (PodMonitoring, ClusterRules) have no schema there and are skipped.
 */
interface KubernetesModel {
  validate(): void;
}
type ModelClass = new (data: unknown) => KubernetesModel;

const CUSTOM_RESOURCE_GROUPS = ['monitoring.googleapis.com/'];

async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const module = (await import(`kubernetes-models/${apiVersion}/${kind}`)) as Record<string, ModelClass>;
  const model = module[kind];
  if (!model) throw new Error(`kubernetes-models has no ${apiVersion} ${kind}`);
  return model;
}

function plain(value: unknown): unknown {
  const revealed = revealSecret(value).value;
  if (Array.isArray(revealed)) return revealed.map(plain);
  if (!revealed || typeof revealed !== 'object') return revealed;
  return Object.fromEntries(Object.entries(revealed).map(([key, child]) => [key, plain(child)]));
}

const kubernetesObjects = (resources: RecordedResource[]) =>
  resources
    .filter((resource) => resource.type.startsWith('kubernetes:') && !resource.type.startsWith('pulumi:providers'))
    .map((resource) => plain(resource.inputs) as { apiVersion: string; kind: string; metadata: { name: string } });

async function schemaErrors(resources: RecordedResource[]): Promise<{ checked: string[]; errors: string[] }> {
  const checked: string[] = [];
  const errors: string[] = [];
  for (const object of kubernetesObjects(resources)) {
    if (CUSTOM_RESOURCE_GROUPS.some((group) => object.apiVersion.startsWith(group))) continue;
    const label = `${object.apiVersion} ${object.kind} ${object.metadata.name}`;
    checked.push(label);
    try {
      new (await modelFor(object.apiVersion, object.kind))(object).validate();
    } catch (error) {
      errors.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { checked, errors };
}

describe('rendered Kubernetes objects against the Kubernetes OpenAPI schema', () => {
  it.each(['starter', 'business', 'enterprise'] satisfies Tier[])('tenant stack (%s) is valid', async (tier) => {
    const run = await recordProgram(tenantProgram(aTenantSpec({ tier }), someTenantSettings()));
    const { checked, errors } = await schemaErrors(run.resources);
    expect(errors).toEqual([]);
    expect(checked).toEqual(
      expect.arrayContaining([
        'apps/v1 Deployment counter',
        'networking.k8s.io/v1 NetworkPolicy default-deny',
        'v1 Secret tenant-credentials',
      ]),
    );
  });

  it('suspended tenant stack is valid', async () => {
    const run = await recordProgram(tenantProgram(aTenantSpec({ state: 'suspended' }), someTenantSettings()));
    expect((await schemaErrors(run.resources)).errors).toEqual([]);
  });

  it('platform stack is valid', async () => {
    const run = await recordProgram(platformProgram(previewPlatformSettings('saas.example.com')));
    const { checked, errors } = await schemaErrors(run.resources);
    expect(errors).toEqual([]);
    expect(checked).toEqual(
      expect.arrayContaining(['batch/v1 Job migrate-a1a1a1a1a1a1', 'apps/v1 Deployment provisioner']),
    );
  });

  it('would catch a malformed object', async () => {
    const run = await recordProgram(tenantProgram(aTenantSpec(), someTenantSettings()));
    const broken = run.resources.map((resource) =>
      resource.type === 'kubernetes:core/v1:Service'
        ? { ...resource, inputs: { ...resource.inputs, spec: { ports: [{ port: 'eighty' }] } } }
        : resource,
    );
    expect((await schemaErrors(broken)).errors).toEqual(
      expect.arrayContaining([expect.stringContaining('v1 Service counter')]),
    );
  });
});
