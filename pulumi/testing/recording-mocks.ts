import * as pulumi from '@pulumi/pulumi';

/** One resource the program asked for, as the engine would have received it. */
export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Logical name of the provider the resource was created with; inherited from parents. */
  provider?: string;
}

export interface RecordedRun {
  resources: RecordedResource[];
  outputs: Record<string, unknown>;
}

// Values the cloud would compute; fixed so snapshots and outputs are stable.
const COMPUTED_STATE: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  'gcp:compute/globalAddress:GlobalAddress': () => ({ address: '203.0.113.10' }),
  'gcp:compute/backendBucket:BackendBucket': (inputs) => ({
    selfLink: `https://www.googleapis.com/compute/v1/projects/mock-project/global/backendBuckets/${String(inputs.name)}`,
  }),
  'gcp:container/cluster:Cluster': () => ({
    endpoint: '192.0.2.1',
    masterAuth: { clusterCaCertificate: 'LS0tbW9jay1jYS0tLQ==' },
    nodeLocations: MOCK_PLATFORM_OUTPUTS.clusterZones,
  }),
  'gcp:dns/managedZone:ManagedZone': () => ({ nameServers: ['ns-cloud-a1.googledomains.com.'] }),
  'gcp:sql/databaseInstance:DatabaseInstance': (inputs) => ({
    privateIpAddress: '10.30.0.3',
    connectionName: `mock-project:europe-west1:${String(inputs.name)}`,
    dnsName: 'a1b2c3.europe-west1.sql.goog.',
    serverCaCerts: [{ cert: MOCK_PLATFORM_OUTPUTS.databaseCaCertificate }],
  }),
  'gcp:redis/instance:Instance': () => ({
    host: '10.30.0.4',
    port: 6378,
    authString: 'mock-redis-auth-string',
    serverCaCerts: [{ cert: MOCK_PLATFORM_OUTPUTS.redisCaCertificate }],
  }),
  'gcp:serviceaccount/account:Account': (inputs) => ({
    email: `${String(inputs.accountId)}@mock-project.iam.gserviceaccount.com`,
  }),
  'pulumi:pulumi:StackReference': (inputs) => ({ outputs: MOCK_PLATFORM_OUTPUTS, name: inputs.name }),
};

/** What a platform stack would export; tenant programs built from a StackReference read these. */
export const MOCK_PLATFORM_OUTPUTS = {
  gcpProject: 'mock-project',
  gcpRegion: 'europe-west1',
  clusterZones: ['europe-west1-b', 'europe-west1-c', 'europe-west1-d'],
  kubeconfig: '{"apiVersion":"v1","kind":"Config"}',
  dnsZoneName: 'platform-zone',
  registryUrl: 'europe-west1-docker.pkg.dev/mock-project/platform-images',
  workloadImage: `europe-west1-docker.pkg.dev/mock-project/platform-images/platform@sha256:${'a1'.repeat(32)}`,
  privateServicesCidr: '10.30.0.0/16',
  databaseCaCertificate: '-----BEGIN CERTIFICATE-----\nmock-cloud-sql-ca\n-----END CERTIFICATE-----\n',
  siloDatabaseInstance: 'platform-silo-postgres',
  siloDatabaseHost: 'silo.mock-cloud-sql.example',
  siloDatabaseCaCertificate: '-----BEGIN CERTIFICATE-----\nmock-cloud-sql-silo-ca\n-----END CERTIFICATE-----\n',
  redisCaCertificate: '-----BEGIN CERTIFICATE-----\nmock-memorystore-ca\n-----END CERTIFICATE-----\n',
  redisUrl: 'rediss://:mock-redis-auth-string@10.30.0.4:6378',
};

/** What the provisioner sets on a tenant stack: the tenant's own credentials (`tenant:` keys). */
export const MOCK_TENANT_CONFIG = {
  tenantDatabaseUrl:
    'postgresql://t_acme_login:tenant-password@10.30.0.3:5432/platform?sslmode=verify-full&sslrootcert=/etc/platform/ca/cloudsql-server-ca.pem',
  tenantTokenSigningKey: 'bW9jay10ZW5hbnQtc2lnbmluZy1rZXktb2YtMzItYnl0ZXM',
  tenantRedisPrefix: 't:00000000-0000-4000-8000-000000000000:',
};

/** Stack config for a program run under mocks: `project:key` → value, and which keys are secrets. */
export interface MockConfig {
  values: Record<string, string>;
  secretKeys: string[];
}

/**
 * Runs a Pulumi program against in-memory mocks (no engine, no cloud) and returns every resource
 * it declared with its inputs, plus its outputs with secrets and Outputs resolved to plain values.
 */
export async function recordProgram(
  program: () => Promise<Record<string, unknown>>,
  config: MockConfig = { values: {}, secretKeys: [] },
): Promise<RecordedRun> {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          provider: providerName(args.provider),
        });
        const computed = COMPUTED_STATE[args.type]?.(args.inputs as Record<string, unknown>) ?? {};
        return { id: `${args.name}-id`, state: { ...args.inputs, ...computed } };
      },
      call: (args) => args.inputs,
    },
    'mock-project',
    'mock-stack',
    false,
    'organization',
  );
  const outputs = (await resolveDeep(await program())) as Record<string, unknown>;
  // Registrations are asynchronous; this drains every outstanding one before the list is read.
  await pulumi.runtime.disconnect();
  return { resources, outputs };
}

// A provider reference is `<provider urn>::<id>`; the URN ends in the provider's logical name.
function providerName(reference: string | undefined): string | undefined {
  return reference?.split('::').at(-2);
}

async function resolveDeep(value: unknown): Promise<unknown> {
  if (pulumi.Output.isInstance(value)) {
    return resolveDeep(await new Promise((resolve) => (value as pulumi.Output<unknown>).apply(resolve)));
  }
  if (Array.isArray(value)) return Promise.all(value.map(resolveDeep));
  if (value && typeof value === 'object' && !(value instanceof Buffer)) {
    const entries = await Promise.all(
      Object.entries(value).map(async ([key, child]) => [key, await resolveDeep(child)] as const),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

/** Mocks receive secrets wrapped in Pulumi's wire format; this says whether a value was one and unwraps it. */
export function revealSecret(value: unknown): { secret: boolean; value: unknown } {
  const wrapped = value as Record<string, unknown> | undefined;
  if (wrapped?.[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig)
    return { secret: true, value: wrapped.value };
  return { secret: false, value };
}

/** The tenant stack config the provisioner would set, under the `tenant` project, secrets marked. */
export function mockTenantConfig(overrides: Partial<typeof MOCK_TENANT_CONFIG> = {}): MockConfig {
  const values = Object.fromEntries(
    Object.entries({ ...MOCK_TENANT_CONFIG, ...overrides }).map(([key, value]) => [`tenant:${key}`, value]),
  );
  return { values, secretKeys: ['tenant:tenantDatabaseUrl', 'tenant:tenantTokenSigningKey'] };
}
