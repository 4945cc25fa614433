import { buildBrandingBundle } from '@platform/branding';
import { type RecordedResource, type RecordedRun, recordProgram } from '../testing/recording-mocks.js';
import { aTenantSpec, someTenantSettings } from '../testing/tenant-fixtures.js';
import { tenantProgram } from './tenant-program.js';
import { TIER_SIZING, type Tier } from './tenant-sizing.js';

interface Container {
  image: string;
  env: { name: string; value: string }[];
  readinessProbe: { httpGet: { path: string; httpHeaders: { name: string; value: string }[] } };
  livenessProbe: { httpGet: { path: string; httpHeaders: { name: string; value: string }[] } };
  securityContext: { runAsNonRoot: boolean; readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
  resources: unknown;
}
interface DeploymentInputs {
  metadata: { name: string; namespace: string };
  spec: {
    replicas: number;
    template: { spec: { securityContext: { runAsNonRoot: boolean }; containers: Container[] } };
  };
}

const ofType = (run: RecordedRun, type: string): RecordedResource[] =>
  run.resources.filter((resource) => resource.type === type);
const inputsOf = <T>(resource: RecordedResource | undefined): T => resource?.inputs as T;
const byMetadataName = (run: RecordedRun, type: string, name: string) =>
  ofType(run, type).find((resource) => inputsOf<{ metadata: { name: string } }>(resource).metadata.name === name);

function run(overrides: Parameters<typeof aTenantSpec>[0] = {}): Promise<RecordedRun> {
  const program = tenantProgram(aTenantSpec(overrides), someTenantSettings());
  return recordProgram(program);
}

describe('tenantProgram', () => {
  it('puts the tenant in namespace tenant-<slug> labelled with tenant, tier and manager', async () => {
    const sut = await run({ slug: 'acme', tier: 'starter' });
    const [namespace] = ofType(sut, 'kubernetes:core/v1:Namespace');
    expect(namespace.inputs).toMatchObject({
      metadata: {
        name: 'tenant-acme',
        labels: { 'platform/tenant': 'acme', 'platform/tier': 'starter', 'app.kubernetes.io/managed-by': 'pulumi' },
      },
    });
    const namespaced = sut.resources.filter(
      (resource) => resource.type.startsWith('kubernetes:') && resource.type !== 'kubernetes:core/v1:Namespace',
    );
    expect(
      namespaced.map((resource) => inputsOf<{ metadata: { namespace: string } }>(resource).metadata.namespace),
    ).toEqual(namespaced.map(() => 'tenant-acme'));
  });

  it.each(['starter', 'business', 'enterprise'] satisfies Tier[])(
    'sizes quota, limits and autoscaling for %s',
    async (tier) => {
      const sut = await run({ tier });
      const sizing = TIER_SIZING[tier];
      expect(
        inputsOf<{ spec: { hard: Record<string, string> } }>(ofType(sut, 'kubernetes:core/v1:ResourceQuota')[0]).spec
          .hard,
      ).toMatchObject({
        'requests.cpu': sizing.quota.requestsCpu,
        'limits.memory': sizing.quota.limitsMemory,
        pods: String(sizing.quota.pods),
      });
      expect(ofType(sut, 'kubernetes:core/v1:LimitRange')[0].inputs).toMatchObject({
        spec: {
          limits: [{ type: 'Container', defaultRequest: sizing.container.requests, default: sizing.container.limits }],
        },
      });
      for (const hpa of ofType(sut, 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler')) {
        expect(hpa.inputs).toMatchObject({
          spec: {
            minReplicas: sizing.replicas.min,
            maxReplicas: sizing.replicas.max,
            metrics: [{ resource: { target: { averageUtilization: sizing.cpuTargetPercent } } }],
          },
        });
      }
    },
  );

  it('denies all traffic by default and lets only the ingress controller and Google load balancers reach the edge', async () => {
    const sut = await run();
    const defaultDeny = inputsOf<{ spec: unknown }>(
      byMetadataName(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'default-deny'),
    );
    // Both directions listed with no rules: nothing in, nothing out unless another policy allows it.
    expect(defaultDeny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const allow = inputsOf<{ spec: { podSelector: unknown; ingress: { from: unknown[] }[] } }>(
      byMetadataName(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'allow-from-ingress'),
    );
    expect(allow.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'edge' } });
    expect(allow.spec.ingress[0].from).toEqual([
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'platform-edge' } } },
      { ipBlock: { cidr: '35.191.0.0/16' } },
      { ipBlock: { cidr: '130.211.0.0/22' } },
    ]);
  });

  it('runs every workload non-root on a read-only root filesystem, with probes and sized resources', async () => {
    const sut = await run({ tier: 'enterprise' });
    const deployments = ofType(sut, 'kubernetes:apps/v1:Deployment').map((resource) =>
      inputsOf<DeploymentInputs>(resource),
    );
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['counter', 'data-api', 'edge']);
    for (const deployment of deployments) {
      const { spec } = deployment.spec.template;
      expect(spec.securityContext.runAsNonRoot).toBe(true);
      const [container] = spec.containers;
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(container.readinessProbe.httpGet.path).toBe('/ready');
      expect(container.livenessProbe.httpGet.path).toBe('/health');
      expect(container.resources).toEqual(TIER_SIZING.enterprise.container);
      expect(deployment.spec.replicas).toBe(TIER_SIZING.enterprise.replicas.min);
    }
    const counter = deployments.find((deployment) => deployment.metadata.name === 'counter');
    expect(counter?.spec.template.spec.containers[0].image).toBe(
      'europe-west1-docker.pkg.dev/mock-project/platform-images/counter:2026.11.25',
    );
  });

  it("puts the tenant's edge in front: the Ingress reaches only the edge, which forwards to the workloads beside it", async () => {
    const sut = await run();
    const ingress = inputsOf<{ spec: { rules: { http: { paths: unknown[] } }[] } }>(
      ofType(sut, 'kubernetes:networking.k8s.io/v1:Ingress')[0],
    );
    expect(ingress.spec.rules[0].http.paths).toEqual([
      { path: '/', pathType: 'Prefix', backend: { service: { name: 'edge', port: { number: 80 } } } },
    ]);
    const edge = inputsOf<DeploymentInputs>(byMetadataName(sut, 'kubernetes:apps/v1:Deployment', 'edge')).spec.template
      .spec.containers[0];
    expect(edge.env).toEqual(
      expect.arrayContaining([
        { name: 'COUNTER_URL', value: 'http://counter' },
        { name: 'DATA_API_URL', value: 'http://data-api' },
        { name: 'PLATFORM_DOMAIN', value: 'saas.example.com' },
        { name: 'ASSET_BASE_URL', value: expect.stringMatching(/^https:\/\/storage\.googleapis\.com\/[a-z0-9-]+$/) },
      ]),
    );
    const branding = inputsOf<{ spec: { podSelector: unknown; egress: { ports: unknown[] }[] } }>(
      byMetadataName(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'allow-edge-branding-egress'),
    );
    expect(branding.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'edge' } });
    expect(branding.spec.egress).toEqual([expect.objectContaining({ ports: [{ protocol: 'TCP', port: 443 }] })]);
    // The edge answers probes on the platform apex only.
    expect(edge.readinessProbe.httpGet.httpHeaders).toEqual([{ name: 'Host', value: 'saas.example.com' }]);
    const within = inputsOf<{ spec: unknown }>(
      byMetadataName(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'allow-within-namespace'),
    );
    expect(within.spec).toMatchObject({
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }], ports: [{ port: 8080 }] }],
    });
  });

  it('scales a suspended tenant to zero and drops its autoscalers', async () => {
    const sut = await run({ state: 'suspended' });
    expect(
      ofType(sut, 'kubernetes:apps/v1:Deployment').map(
        (resource) => inputsOf<DeploymentInputs>(resource).spec.replicas,
      ),
    ).toEqual([0, 0, 0]);
    expect(ofType(sut, 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler')).toHaveLength(0);
  });

  it('publishes one A record per platform hostname and hands custom domains a CNAME target', async () => {
    const sut = await run({ slug: 'globex', domains: ['shop.globex.example', 'www.globex.example'] });
    expect(ofType(sut, 'gcp:dns/recordSet:RecordSet').map((record) => record.inputs)).toEqual([
      {
        managedZone: 'platform-zone',
        name: 'globex.saas.example.com.',
        type: 'A',
        ttl: 300,
        rrdatas: ['203.0.113.10'],
      },
    ]);
    expect(sut.outputs.customDomainTargets).toEqual([
      { domain: 'shop.globex.example', cname: 'globex.saas.example.com.' },
      { domain: 'www.globex.example', cname: 'globex.saas.example.com.' },
    ]);
    const [certificate] = ofType(sut, 'kubernetes:networking.gke.io/v1:ManagedCertificate');
    expect(certificate.inputs).toMatchObject({
      spec: { domains: ['globex.saas.example.com', 'shop.globex.example', 'www.globex.example'] },
    });
    const ingress = inputsOf<{ spec: { rules: { host: string }[] } }>(
      ofType(sut, 'kubernetes:networking.k8s.io/v1:Ingress')[0],
    );
    expect(ingress.spec.rules.map((rule) => rule.host)).toEqual([
      'globex.saas.example.com',
      'shop.globex.example',
      'www.globex.example',
    ]);
  });

  it('serves branding from a bucket behind Cloud CDN under content-hashed, immutable names', async () => {
    const spec = aTenantSpec();
    const sut = await recordProgram(tenantProgram(spec, someTenantSettings()));
    expect(ofType(sut, 'gcp:compute/backendBucket:BackendBucket')[0].inputs).toMatchObject({
      enableCdn: true,
      bucketName: sut.outputs.cdnBucket,
    });
    const expected = buildBrandingBundle(spec).assets.map((asset) => asset.name);
    const objects = ofType(sut, 'gcp:storage/bucketObject:BucketObject').map((object) => object.inputs);
    expect(objects.map((object) => object.name)).toEqual(expected);
    expect(
      expected.every((name) => /^(theme|logo|landing|suspended)-[0-9a-f]{16}\.(css|svg|png|html)$/.test(name)),
    ).toBe(true);
    expect(objects.every((object) => object.cacheControl === 'public, max-age=31536000, immutable')).toBe(true);

    const rebranded = await run({ branding: { ...spec.branding, primaryColor: '#ff0000' } });
    const renamed = ofType(rebranded, 'gcp:storage/bucketObject:BucketObject').map((object) => object.inputs.name);
    expect(renamed.find((name) => String(name).startsWith('theme-'))).not.toBe(
      expected.find((name) => name.startsWith('theme-')),
    );
  });

  it("creates every cloud resource through the stack's own providers, so nothing uses ambient credentials", async () => {
    const sut = await run();
    const cloud = sut.resources.filter((resource) => /^(gcp|kubernetes):/.test(resource.type));
    expect(
      cloud
        .filter((resource) => resource.type.startsWith('gcp:'))
        .every((resource) => resource.provider === 'tenant-acme-gcp'),
    ).toBe(true);
    expect(
      cloud
        .filter((resource) => resource.type.startsWith('kubernetes:'))
        .every((resource) => resource.provider === 'tenant-acme-gke'),
    ).toBe(true);
  });

  it('exports URL, namespace, hostnames, CDN bucket and DNS records', async () => {
    const sut = await run({ slug: 'acme', domains: ['shop.acme.example'] });
    expect(sut.outputs).toMatchObject({
      url: 'https://acme.saas.example.com/',
      namespace: 'tenant-acme',
      hostnames: ['acme.saas.example.com', 'shop.acme.example'],
      cdnBucket: expect.stringMatching(/^tenant-acme-assets-[0-9a-f]{8}$/),
      cdnBackendBucket: expect.stringContaining('/backendBuckets/tenant-acme-cdn-backend'),
      dnsRecords: ['acme.saas.example.com.'],
      ipAddress: '203.0.113.10',
    });
  });

  // Reviewed by hand: a change here means the tenant stack creates, renames or resizes something.
  it.each(['starter', 'business', 'enterprise'] satisfies Tier[])(
    'declares the reviewed resource list for %s',
    async (tier) => {
      const sut = await run({ slug: 'acme', tier, domains: ['shop.acme.example'] });
      const hpas = ofType(sut, 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler')
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((hpa) => hpa.inputs.spec);
      expect({
        // Sorted: registration order follows input resolution, which is not part of the contract.
        resources: sut.resources.map((resource) => `${resource.type}  ${resource.name}`).sort(),
        quota: inputsOf<{ spec: unknown }>(ofType(sut, 'kubernetes:core/v1:ResourceQuota')[0]).spec,
        autoscalers: hpas,
      }).toMatchSnapshot();
    },
  );
});
