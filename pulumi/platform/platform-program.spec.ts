import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type RecordedResource, type RecordedRun, recordProgram, revealSecret } from '../testing/recording-mocks.js';
import { platformProgram } from './platform-program.js';
import { type PlatformSettings, previewPlatformSettings } from './platform-settings.js';

const SETTINGS: PlatformSettings = {
  ...previewPlatformSettings('saas.example.com'),
  project: 'mock-project',
  databasePassword: 'p@ss word/with:specials',
  edgeSigningSecret: 'mock-edge-signing-secret-of-32-characters',
};

const ofType = (run: RecordedRun, type: string): RecordedResource[] =>
  run.resources.filter((resource) => resource.type === type);
const one = (run: RecordedRun, type: string): RecordedResource => {
  const found = run.resources.filter((resource) => resource.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};

interface PodTemplateOwner {
  spec: {
    template: {
      metadata: { annotations: Record<string, string> };
      spec: { containers: { image: string; args: string[] }[] };
    };
  };
}

const byName = (run: RecordedRun, type: string, name: string): RecordedResource => {
  const found = run.resources.find(
    (resource) =>
      resource.type === type && (resource.inputs as { metadata?: { name?: string } }).metadata?.name === name,
  );
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
};

describe('platformProgram', () => {
  let sut: RecordedRun;
  beforeAll(async () => {
    sut = await recordProgram(platformProgram(SETTINGS));
  });

  it('runs GKE Autopilot on the platform VPC with private nodes', () => {
    expect(one(sut, 'gcp:container/cluster:Cluster').inputs).toMatchObject({
      name: 'platform-gke',
      location: 'europe-west1',
      enableAutopilot: true,
      privateClusterConfig: { enablePrivateNodes: true },
      ipAllocationPolicy: { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
    });
  });

  it('keeps Cloud SQL and Memorystore off the internet, highly available', () => {
    for (const instance of ofType(sut, 'gcp:sql/databaseInstance:DatabaseInstance'))
      expect(instance.inputs).toMatchObject({
        databaseVersion: 'POSTGRES_16',
        settings: { availabilityType: 'REGIONAL', ipConfiguration: { ipv4Enabled: false } },
      });
    expect(one(sut, 'gcp:redis/instance:Instance').inputs).toMatchObject({
      tier: 'STANDARD_HA',
      connectMode: 'PRIVATE_SERVICE_ACCESS',
      redisConfigs: { 'maxmemory-policy': 'noeviction' },
    });
  });

  it('declares one shared silo instance for enterprise tenants, with no database of its own', () => {
    const instances = ofType(sut, 'gcp:sql/databaseInstance:DatabaseInstance').map((instance) => instance.name);
    expect(instances.sort()).toEqual(['platform-postgres', 'platform-silo-postgres']);
    // The only database the platform stack makes is its own; each enterprise tenant's is made by the
    // provisioner, through SILO_DATABASE_URL (below).
    expect(ofType(sut, 'gcp:sql/database:Database').map((database) => database.inputs.name)).toEqual(['platform']);
    expect(sut.outputs).toMatchObject({
      siloDatabaseInstance: expect.stringContaining('silo'),
      siloDatabaseHost: expect.any(String),
      siloDatabaseCaCertificate: expect.stringContaining('BEGIN CERTIFICATE'),
    });
  });

  it('owns the platform DNS zone, a global IP and an image registry', () => {
    expect(
      sut.resources
        .filter((resource) => resource.type === 'gcp:dns/managedZone:ManagedZone')
        .map((zone) => zone.inputs),
    ).toContainEqual(expect.objectContaining({ dnsName: 'saas.example.com.', dnssecConfig: { state: 'on' } }));
    expect(one(sut, 'gcp:artifactregistry/repository:Repository').inputs).toMatchObject({
      format: 'DOCKER',
      location: 'europe-west1',
    });
    expect(
      sut.resources
        .filter((resource) => resource.type === 'gcp:compute/globalAddress:GlobalAddress')
        .map((address) => address.inputs),
    ).toContainEqual({
      name: 'platform-ip',
      addressType: 'EXTERNAL',
    });
  });

  it('exports what tenant stacks read, and neither the platform database URL nor the edge signing secret', () => {
    expect(sut.outputs).toMatchObject({
      gcpProject: 'mock-project',
      gcpRegion: 'europe-west1',
      clusterZones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
      dnsZoneName: 'platform-zone',
      registryUrl: 'europe-west1-docker.pkg.dev/mock-project/platform-images',
      workloadImage: `europe-west1-docker.pkg.dev/mock-project/platform-images/platform@${SETTINGS.images.platformDigest}`,
      privateServicesCidr: expect.stringMatching(/\/16$/),
      databaseHost: 'a1b2c3.europe-west1.sql.goog',
      databaseCaCertificate: expect.stringContaining('BEGIN CERTIFICATE'),
      redisUrl: 'rediss://:mock-redis-auth-string@10.30.0.4:6378',
      redisCaCertificate: expect.stringContaining('BEGIN CERTIFICATE'),
    });
    expect(Object.keys(sut.outputs)).not.toEqual(expect.arrayContaining(['databaseUrl']));
    expect(Object.keys(sut.outputs)).not.toContain('edgeSigningSecret');
    expect(JSON.parse(String(sut.outputs.kubeconfig))).toMatchObject({
      clusters: [{ cluster: { server: 'https://192.0.2.1' } }],
      users: [{ user: { exec: { command: 'gke-gcloud-auth-plugin' } } }],
    });
  });

  it('requires TLS with AUTH on Memorystore and a CA-verified name on Cloud SQL', () => {
    expect(one(sut, 'gcp:redis/instance:Instance').inputs).toMatchObject({
      authEnabled: true,
      transitEncryptionMode: 'SERVER_AUTHENTICATION',
    });
    for (const instance of ofType(sut, 'gcp:sql/databaseInstance:DatabaseInstance'))
      expect(instance.inputs).toMatchObject({
        settings: { ipConfiguration: { sslMode: 'ENCRYPTED_ONLY', serverCaMode: 'GOOGLE_MANAGED_CAS_CA' } },
      });
    const secret = revealSecret(
      (byName(sut, 'kubernetes:core/v1:Secret', 'platform-credentials').inputs as { stringData: unknown }).stringData,
    ).value as Record<string, string>;
    expect(secret.DATABASE_URL).toBe(
      'postgresql://platform:p%40ss%20word%2Fwith%3Aspecials@a1b2c3.europe-west1.sql.goog:5432/platform?sslmode=verify-full',
    );
  });

  it("gives the platform's apps the platform user's URL on the silo instance, verified against that instance's CA", () => {
    const secret = revealSecret(
      (byName(sut, 'kubernetes:core/v1:Secret', 'platform-credentials').inputs as { stringData: unknown }).stringData,
    ).value as Record<string, string>;
    const silo = new URL(secret.SILO_DATABASE_URL!);
    expect([silo.username, decodeURIComponent(silo.password), silo.pathname]).toEqual([
      'platform',
      'p@ss word/with:specials',
      '/postgres',
    ]);
    expect(Object.fromEntries(silo.searchParams)).toEqual({
      sslmode: 'verify-full',
      sslrootcert: '/etc/platform/ca/cloudsql-silo-server-ca.pem',
    });
    const ca = byName(sut, 'kubernetes:core/v1:ConfigMap', 'platform-server-ca').inputs as {
      data: Record<string, string>;
    };
    expect(ca.data['cloudsql-silo-server-ca.pem']).toContain('BEGIN CERTIFICATE');
    // Every platform pod mounts that ConfigMap where the URL says.
    const provisioner = byName(sut, 'kubernetes:apps/v1:Deployment', 'provisioner');
    expect(JSON.stringify(provisioner.inputs)).toContain('"mountPath":"/etc/platform/ca"');
  });

  it('runs the migration Job before the control plane and the provisioner, all from images by digest', () => {
    const job = one(sut, 'kubernetes:batch/v1:Job');
    const jobSpec = job.inputs as { metadata: { name: string; namespace: string }; spec: PodTemplateOwner['spec'] };
    expect(jobSpec.metadata).toMatchObject({ name: `migrate-${'a1'.repeat(6)}`, namespace: 'platform-system' });
    expect(jobSpec.spec.template.spec.containers[0]).toMatchObject({
      image: `europe-west1-docker.pkg.dev/mock-project/platform-images/platform@${SETTINGS.images.platformDigest}`,
      args: ['migrate'],
    });
    const deployments = sut.resources.filter((resource) => resource.type === 'kubernetes:apps/v1:Deployment');
    expect(deployments.map((deployment) => deployment.name).sort()).toEqual([
      'platform-control-plane',
      'platform-provisioner',
    ]);
    for (const deployment of deployments) {
      // Pulumi waits for a Job to complete before creating what takes one of its outputs.
      const { template } = (deployment.inputs as unknown as PodTemplateOwner).spec;
      expect(template.metadata.annotations['platform/migration']).toBe(jobSpec.metadata.name);
      const [container] = template.spec.containers;
      expect(container.args).toEqual([deployment.name.replace('platform-', '')]);
    }
    const provisioner = deployments.find((deployment) => deployment.name === 'platform-provisioner');
    expect((provisioner?.inputs as unknown as PodTemplateOwner).spec.template.spec.containers[0].image).toBe(
      `europe-west1-docker.pkg.dev/mock-project/platform-images/platform-provisioner@${SETTINGS.images.provisionerDigest}`,
    );
  });

  it('gives the provisioner a Workload Identity service account limited to tenant resources', () => {
    expect(byName(sut, 'kubernetes:core/v1:ServiceAccount', 'provisioner').inputs).toMatchObject({
      metadata: {
        namespace: 'platform-system',
        annotations: { 'iam.gke.io/gcp-service-account': 'platform-provisioner@mock-project.iam.gserviceaccount.com' },
      },
    });
    const roles = sut.resources
      .filter((resource) => resource.type === 'gcp:projects/iAMMember:IAMMember')
      .map((member) => member.inputs.role)
      .sort();
    expect(roles).toEqual([
      'roles/compute.loadBalancerAdmin',
      'roles/compute.publicIpAdmin',
      'roles/container.clusterViewer',
      'roles/storage.admin',
    ]);
    const storage = sut.resources.find(
      (resource) =>
        resource.type === 'gcp:projects/iAMMember:IAMMember' && resource.inputs.role === 'roles/storage.admin',
    );
    expect(storage?.inputs.condition).toMatchObject({
      expression: 'resource.name.startsWith("projects/_/buckets/tenant-")',
    });
    expect(one(sut, 'gcp:serviceaccount/iAMMember:IAMMember').inputs).toMatchObject({
      role: 'roles/iam.workloadIdentityUser',
      member: 'serviceAccount:mock-project.svc.id.goog[platform-system/provisioner]',
    });
  });

  it('exposes the admin API and queue dashboard only on an internal load balancer', () => {
    expect(byName(sut, 'kubernetes:core/v1:Service', 'control-plane-internal').inputs).toMatchObject({
      metadata: { annotations: { 'networking.gke.io/load-balancer-type': 'Internal' } },
      spec: { type: 'LoadBalancer', loadBalancerSourceRanges: ['10.0.0.0/8'], externalTrafficPolicy: 'Local' },
    });
    // And at the pods: nothing gets in but operators' ranges and Managed Prometheus.
    expect(byName(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'default-deny-ingress').inputs).toMatchObject({
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    expect(
      byName(sut, 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'allow-operators-and-monitoring').inputs,
    ).toMatchObject({
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/name': 'control-plane' } },
        ingress: [
          {
            from: [
              { ipBlock: { cidr: '10.0.0.0/8' } },
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } } },
            ],
            ports: [{ protocol: 'TCP', port: 3000 }],
          },
        ],
      },
    });
  });

  it('deploys the alert rules and scrapes the platform apps with Managed Prometheus', () => {
    const rules = one(sut, 'kubernetes:monitoring.googleapis.com/v1:ClusterRules').inputs as {
      spec: { groups: { rules: { alert: string }[] }[] };
    };
    const alerts = (parse(readFileSync('ops/prometheus/alerts.yml', 'utf8')) as typeof rules.spec).groups.flatMap(
      (group) => group.rules.map((rule) => rule.alert),
    );
    expect(rules.spec.groups.flatMap((group) => group.rules.map((rule) => rule.alert))).toEqual(alerts);
    expect(
      sut.resources
        .filter((resource) => resource.type === 'kubernetes:monitoring.googleapis.com/v1:PodMonitoring')
        .map((monitor) => (monitor.inputs as { metadata: { name: string } }).metadata.name)
        .sort(),
    ).toEqual(['control-plane', 'provisioner']);
  });

  // Reviewed by hand: a change here means the shared infrastructure gains, loses or renames something.
  it('declares the reviewed resource list', () => {
    expect(sut.resources.map((resource) => `${resource.type}  ${resource.name}`).sort()).toMatchSnapshot();
  });
});
