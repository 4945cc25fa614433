import { type RecordedResource, type RecordedRun, recordProgram } from '../testing/recording-mocks.js';
import { platformProgram } from './platform-program.js';
import type { PlatformSettings } from './platform-settings.js';

const SETTINGS: PlatformSettings = {
  name: 'platform',
  project: 'mock-project',
  region: 'europe-west1',
  domain: 'saas.example.com',
  highAvailability: true,
  databasePassword: 'p@ss word/with:specials',
  edgeSigningSecret: 'mock-edge-signing-secret-of-32-characters',
};

const one = (run: RecordedRun, type: string): RecordedResource => {
  const found = run.resources.filter((resource) => resource.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
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
    expect(one(sut, 'gcp:sql/databaseInstance:DatabaseInstance').inputs).toMatchObject({
      databaseVersion: 'POSTGRES_16',
      settings: { availabilityType: 'REGIONAL', ipConfiguration: { ipv4Enabled: false } },
    });
    expect(one(sut, 'gcp:redis/instance:Instance').inputs).toMatchObject({
      tier: 'STANDARD_HA',
      connectMode: 'PRIVATE_SERVICE_ACCESS',
      redisConfigs: { 'maxmemory-policy': 'noeviction' },
    });
  });

  it('owns the platform DNS zone, a global IP and an image registry', () => {
    expect(one(sut, 'gcp:dns/managedZone:ManagedZone').inputs).toMatchObject({
      dnsName: 'saas.example.com.',
      dnssecConfig: { state: 'on' },
    });
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

  it('exports what tenant stacks read, with the password escaped in the database URL', () => {
    expect(sut.outputs).toMatchObject({
      gcpProject: 'mock-project',
      gcpRegion: 'europe-west1',
      dnsZoneName: 'platform-zone',
      registryUrl: 'europe-west1-docker.pkg.dev/mock-project/platform-images',
      privateServicesCidr: expect.stringMatching(/\/16$/),
      databaseUrl: 'postgresql://platform:p%40ss%20word%2Fwith%3Aspecials@10.30.0.3:5432/platform?sslmode=require',
      redisUrl: 'redis://10.30.0.4:6379',
      edgeSigningSecret: SETTINGS.edgeSigningSecret,
    });
    expect(JSON.parse(String(sut.outputs.kubeconfig))).toMatchObject({
      clusters: [{ cluster: { server: 'https://192.0.2.1' } }],
      users: [{ user: { exec: { command: 'gke-gcloud-auth-plugin' } } }],
    });
  });

  // Reviewed by hand: a change here means the shared infrastructure gains, loses or renames something.
  it('declares the reviewed resource list', () => {
    expect(sut.resources.map((resource) => `${resource.type}  ${resource.name}`).sort()).toMatchSnapshot();
  });
});
