import { buildBrandingBundle } from '@platform/branding';
import {
  MOCK_PLATFORM_OUTPUTS,
  MOCK_TENANT_CONFIG,
  type RecordedResource,
  type RecordedRun,
  recordProgram,
  revealSecret,
} from '../testing/recording-mocks.js';
import { aTenantSpec, someTenantSettings } from '../testing/tenant-fixtures.js';
import { tenantProgram } from './tenant-program.js';
import { TIER_SIZING, type Tier } from './tenant-sizing.js';

interface Container {
  image: string;
  args: string[];
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

  it('denies all traffic by default and lets only Google load balancers reach the edge, counter and data API, on the app port', async () => {
    const sut = await run();
    const defaultDeny = inputsOf<{ spec: unknown }>(
      byMetadataName(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'default-deny'),
    );
    // Both directions listed with no rules: nothing in, nothing out unless another policy allows it.
    expect(defaultDeny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const allow = inputsOf<{ spec: unknown }>(
      byMetadataName(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'allow-from-load-balancer'),
    );
    expect(allow.spec).toEqual({
      podSelector: {
        matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: ['edge', 'counter', 'data-api'] }],
      },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ ipBlock: { cidr: '35.191.0.0/16' } }, { ipBlock: { cidr: '130.211.0.0/22' } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    });
    const names = ofType(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy').map(
      (policy) => inputsOf<{ metadata: { name: string } }>(policy).metadata.name,
    );
    // Pods never call each other: the load balancer reaches each one directly.
    expect(names).not.toContain('allow-within-namespace');
    expect(names).toEqual(expect.arrayContaining(['allow-from-managed-prometheus', 'allow-egress']));
  });

  it("puts only the tenant's own credentials in its namespace: no platform database user, no shared signing secret", async () => {
    const sut = await run();
    const secrets = ofType(sut, 'kubernetes:core/v1:Secret');
    expect(secrets).toHaveLength(1);
    const stringData = revealSecret(inputsOf<{ stringData: unknown }>(secrets[0]).stringData);
    expect(stringData.value).toEqual({
      DATABASE_URL: MOCK_TENANT_CONFIG.tenantDatabaseUrl,
      TENANT_TOKEN_SIGNING_KEY: MOCK_TENANT_CONFIG.tenantTokenSigningKey,
      REDIS_URL: MOCK_PLATFORM_OUTPUTS.redisUrl,
    });
    const everything = JSON.stringify(sut.resources.map((resource) => resource.inputs));
    expect(everything).not.toContain('EDGE_SIGNING_SECRET');
    expect(everything).not.toContain('postgresql://platform:');
  });

  it("points an enterprise tenant's credentials at its own database on the silo instance, which the provisioner made", async () => {
    const spec = aTenantSpec({ slug: 'globex', tier: 'enterprise' });
    const sut = await run({ slug: 'globex', tier: 'enterprise' });
    // The provisioner is the one creator of the database (and of the schema inside it): no resource here.
    expect(ofType(sut, 'gcp:sql/database:Database')).toEqual([]);
    const secret = revealSecret(
      inputsOf<{ stringData: unknown }>(ofType(sut, 'kubernetes:core/v1:Secret')[0]).stringData,
    ).value as Record<string, string>;
    const url = new URL(secret.DATABASE_URL!);
    const configured = new URL(MOCK_TENANT_CONFIG.tenantDatabaseUrl);
    expect(url.hostname).toBe(MOCK_PLATFORM_OUTPUTS.siloDatabaseHost);
    expect(spec.placement).toEqual({ model: 'silo', database: expect.stringMatching(/^t_globex_d[0-9a-f]{8}$/) });
    expect(url.pathname).toBe(`/${spec.placement.model === 'silo' ? spec.placement.database : ''}`);
    // Its own login role and password, and a verified TLS connection, as the provisioner set them.
    expect([url.username, url.password, url.search]).toEqual([
      configured.username,
      configured.password,
      configured.search,
    ]);
    const [ca] = ofType(sut, 'kubernetes:core/v1:ConfigMap').filter((map) =>
      JSON.stringify(map.inputs).includes('cloudsql-server-ca.pem'),
    );
    expect(JSON.stringify(ca!.inputs)).toContain('mock-cloud-sql-silo-ca');
  });

  it.each(['starter', 'business'] satisfies Tier[])('keeps a %s tenant in the pooled database', async (tier) => {
    const sut = await run({ tier });
    expect(ofType(sut, 'gcp:sql/database:Database')).toEqual([]);
    const secret = revealSecret(
      inputsOf<{ stringData: unknown }>(ofType(sut, 'kubernetes:core/v1:Secret')[0]).stringData,
    ).value as Record<string, string>;
    expect(secret.DATABASE_URL).toBe(MOCK_TENANT_CONFIG.tenantDatabaseUrl);
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
    for (const deployment of deployments) {
      const [container] = deployment.spec.template.spec.containers;
      // One image for every app, by digest; the argument starts the Deployment's own app.
      expect(container.image).toBe(MOCK_PLATFORM_OUTPUTS.workloadImage);
      expect(container.args).toEqual([deployment.metadata.name]);
      expect(container.env).toEqual(
        expect.arrayContaining([
          { name: 'TENANT_MODE', value: 'single' },
          { name: 'TENANT_ID', value: aTenantSpec({ tier: 'enterprise' }).tenantId },
          { name: 'TENANT_SLUG', value: 'acme' },
          { name: 'REDIS_KEY_PREFIX', value: MOCK_TENANT_CONFIG.tenantRedisPrefix },
          { name: 'DATABASE_CA_CERT_FILE', value: '/etc/platform/ca/cloudsql-server-ca.pem' },
          { name: 'REDIS_CA_CERT_FILE', value: '/etc/platform/ca/memorystore-server-ca.pem' },
          { name: 'SHUTDOWN_DELAY_MS', value: '5000' },
          { name: 'USAGE_STORE', value: 'tenant' },
        ]),
      );
    }
    expect(counter?.spec.template.spec.containers[0].env).toContainEqual({ name: 'COUNTER_PORT', value: '8080' });
  });

  it('routes the workloads straight from the load balancer, assets to the CDN bucket and the rest to the edge', async () => {
    const sut = await run();
    const urlMap = ofType(sut, 'gcp:compute/uRLMap:URLMap').find((map) => map.inputs.name === 'tenant-acme-lb-urls');
    const rewrite = { urlRewrite: { pathPrefixRewrite: '/' } };
    expect(urlMap?.inputs).toEqual({
      name: 'tenant-acme-lb-urls',
      defaultService: 'tenant-acme-lb-edge-id',
      hostRules: [{ hosts: ['acme.saas.example.com'], pathMatcher: 'tenant' }],
      pathMatchers: [
        {
          name: 'tenant',
          defaultService: 'tenant-acme-lb-edge-id',
          routeRules: [
            {
              priority: 1,
              matchRules: [{ prefixMatch: '/api/counter/' }],
              service: 'tenant-acme-lb-counter-id',
              routeAction: rewrite,
            },
            {
              priority: 2,
              matchRules: [{ prefixMatch: '/api/data/' }],
              service: 'tenant-acme-lb-data-api-id',
              routeAction: rewrite,
            },
            {
              priority: 3,
              matchRules: [{ prefixMatch: '/assets/' }],
              service: sut.outputs.cdnBackendBucket,
              routeAction: rewrite,
            },
          ],
        },
      ],
    });
    // Each backend service points at the standalone NEG of its Service in every cluster zone.
    const counterBackend = ofType(sut, 'gcp:compute/backendService:BackendService').find(
      (backend) => backend.inputs.name === 'tenant-acme-lb-counter',
    );
    expect(counterBackend?.inputs).toMatchObject({ loadBalancingScheme: 'EXTERNAL_MANAGED', protocol: 'HTTP' });
    expect((counterBackend?.inputs.backends as { group: string }[]).map((backend) => backend.group)).toEqual(
      MOCK_PLATFORM_OUTPUTS.clusterZones.map(
        (zone) =>
          `https://www.googleapis.com/compute/v1/projects/mock-project/zones/${zone}/networkEndpointGroups/tenant-acme-counter`,
      ),
    );
    const counterService = inputsOf<{ metadata: { annotations: Record<string, string> } }>(
      byMetadataName(sut, 'kubernetes:core/v1:Service', 'counter'),
    );
    expect(JSON.parse(counterService.metadata.annotations['cloud.google.com/neg'])).toEqual({
      exposed_ports: { '80': { name: 'tenant-acme-counter' } },
    });
    const edge = inputsOf<DeploymentInputs>(byMetadataName(sut, 'kubernetes:apps/v1:Deployment', 'edge')).spec.template
      .spec.containers[0];
    expect(edge.env).toEqual(
      expect.arrayContaining([
        { name: 'PLATFORM_DOMAIN', value: 'saas.example.com' },
        { name: 'ASSET_BASE_URL', value: expect.stringMatching(/^https:\/\/storage\.googleapis\.com\/[a-z0-9-]+$/) },
      ]),
    );
    expect(edge.env.map((variable) => variable.name)).not.toContain('COUNTER_URL');
    // The edge answers probes on the platform apex only, so its health check carries that Host.
    expect(edge.readinessProbe.httpGet.httpHeaders).toEqual([{ name: 'Host', value: 'saas.example.com' }]);
    expect(
      ofType(sut, 'gcp:compute/healthCheck:HealthCheck').find((check) => check.inputs.name === 'tenant-acme-lb-edge-hc')
        ?.inputs,
    ).toMatchObject({
      httpHealthCheck: { requestPath: '/ready', host: 'saas.example.com', portSpecification: 'USE_SERVING_PORT' },
    });
    const https = ofType(sut, 'gcp:compute/globalForwardingRule:GlobalForwardingRule').map((rule) => rule.inputs);
    expect(https.map((rule) => rule.portRange).sort()).toEqual(['443', '80']);
  });

  it('has Managed Prometheus scrape every workload', async () => {
    const sut = await run();
    const monitors = ofType(sut, 'kubernetes:monitoring.googleapis.com/v1:PodMonitoring').map((monitor) =>
      inputsOf<{ metadata: { name: string }; spec: unknown }>(monitor),
    );
    expect(monitors.map((monitor) => monitor.metadata.name).sort()).toEqual(['counter', 'data-api', 'edge']);
    expect(monitors[0].spec).toMatchObject({ endpoints: [{ port: 'http', path: '/metrics' }] });
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
    const [certificate] = ofType(sut, 'gcp:compute/managedSslCertificate:ManagedSslCertificate');
    expect(certificate.inputs).toMatchObject({
      name: expect.stringMatching(/^tenant-globex-lb-cert-[0-9a-f]{8}$/),
      managed: { domains: ['globex.saas.example.com', 'shop.globex.example', 'www.globex.example'] },
    });
    const urlMap = ofType(sut, 'gcp:compute/uRLMap:URLMap').find((map) => map.inputs.name === 'tenant-globex-lb-urls');
    expect(urlMap?.inputs.hostRules).toEqual([
      { hosts: ['globex.saas.example.com', 'shop.globex.example', 'www.globex.example'], pathMatcher: 'tenant' },
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
