import { type AppName, parseConfig } from '@platform/config';
import { previewPlatformSettings } from './platform/platform-settings.js';
import { platformProgram } from './platform/platform-program.js';
import { type RecordedResource, recordProgram, revealSecret } from './testing/recording-mocks.js';
import { aTenantSpec, someTenantSettings } from './testing/tenant-fixtures.js';
import { tenantProgram } from './tenant/tenant-program.js';

/**
 * The environment each rendered Deployment gives its container (its env plus the Secret it loads) is
 * parsed by the same config schema the app boots with: a pod that would exit at boot fails here.
 */
interface Container {
  args: string[];
  env: { name: string; value: string }[];
  envFrom: { secretRef: { name: string } }[];
}
interface Named {
  metadata: { name: string; namespace: string };
}

const inputs = <T>(resource: RecordedResource) => resource.inputs as unknown as T;

function environments(resources: RecordedResource[]): [string, AppName, Record<string, string>][] {
  const secrets = new Map(
    resources
      .filter((resource) => resource.type === 'kubernetes:core/v1:Secret')
      .map((resource) => {
        const secret = inputs<Named & { stringData: unknown }>(resource);
        const key = `${secret.metadata.namespace}/${secret.metadata.name}`;
        return [key, revealSecret(secret.stringData).value as Record<string, string>] as const;
      }),
  );
  return resources
    .filter((resource) => resource.type === 'kubernetes:apps/v1:Deployment')
    .map((resource) => {
      const deployment = inputs<Named & { spec: { template: { spec: { containers: Container[] } } } }>(resource);
      const [container] = deployment.spec.template.spec.containers;
      const fromSecrets = container.envFrom.map(
        (source) => secrets.get(`${deployment.metadata.namespace}/${source.secretRef.name}`) ?? {},
      );
      const env = Object.assign(
        {},
        ...fromSecrets,
        ...container.env.map((variable) => ({ [variable.name]: variable.value })),
      );
      return [deployment.metadata.name, container.args[0] as AppName, env];
    });
}

describe('rendered Deployments boot', () => {
  it.each(['counter', 'data-api'])('tenant %s: the app accepts its environment', async (name) => {
    const run = await recordProgram(tenantProgram(aTenantSpec(), someTenantSettings()));
    const [, app, env] = environments(run.resources).find(([deployment]) => deployment === name)!;
    const config = parseConfig(app, env);
    expect(config.app.name).toBe(name);
    expect(config.usage.store).toBe('tenant');
  });

  // The tenant's edge runs in single mode with the tenant's own credentials: no EDGE_SIGNING_SECRET.
  it('tenant edge: the app accepts its environment (single mode, no platform secret)', async () => {
    const run = await recordProgram(tenantProgram(aTenantSpec(), someTenantSettings()));
    const [, app, env] = environments(run.resources).find(([deployment]) => deployment === 'edge')!;
    const config = parseConfig(app, env);
    expect(config.app.name).toBe('edge');
    expect(config.tenancy.mode).toBe('single');
    expect(env.EDGE_SIGNING_SECRET).toBeUndefined();
  });

  it.each(['control-plane', 'provisioner'])('platform %s: the app accepts its environment', async (name) => {
    const run = await recordProgram(platformProgram(previewPlatformSettings('saas.example.com')));
    const [, app, env] = environments(run.resources).find(([deployment]) => deployment === name)!;
    expect(parseConfig(app, env).app.name).toBe(name);
  });

  // The tenants' workloads write usage into their own schemas; the control plane collects it every minute.
  it('platform control-plane collects tenant usage', async () => {
    const run = await recordProgram(platformProgram(previewPlatformSettings('saas.example.com')));
    const [, app, env] = environments(run.resources).find(([deployment]) => deployment === 'control-plane')!;
    expect(parseConfig(app, env).usage.collectIntervalMs).toBe(60_000);
  });
});
