import * as pulumi from '@pulumi/pulumi';
import type { Input } from '@pulumi/pulumi';

/**
 * What a tenant stack needs from the platform around it and from its own stack config. Values that
 * come from the platform stack are Inputs (a StackReference resolves them during the run); names
 * that resource names derive from are plain strings so names are known before anything runs.
 */
export interface TenantProgramSettings {
  platformDomain: string;
  /** `assetsLocation`: where the branding bucket lives; Cloud CDN serves it from the edge wherever that is. */
  gcp: { project: Input<string>; region: Input<string>; assetsLocation: Input<string> };
  /** Zones of the GKE cluster: the NEG controller creates each Service's standalone NEG in every one of them. */
  clusterZones: Input<string[]>;
  /** Kubeconfig of the platform's GKE cluster; a secret. */
  kubeconfig: Input<string>;
  /** Cloud DNS managed zone (resource name, not DNS name) that holds `<slug>.<platformDomain>`. */
  dnsZoneName: Input<string>;
  /** The platform image by digest, `<registry>/platform@sha256:<hex>`: every app is in it, chosen by argument. */
  image: Input<string>;
  /** Private range of Cloud SQL and Memorystore; the only place tenant pods may open connections to. */
  privateServicesCidr: Input<string>;
  /** Server CAs of Cloud SQL and Memorystore (PEM), mounted into every pod so TLS is verified. */
  caCertificates: { database: Input<string>; redis: Input<string> };
  /** Names of the tenant's schema and login role in the platform database (not secrets). */
  database: { schema: string; role: string };
  /**
   * The platform's shared silo instance, where enterprise tenants get a database of their own (made by
   * the provisioner): the name its certificate carries, and its server CA (PEM).
   */
  silo: { host: Input<string>; caCertificate: Input<string> };
  /** Memorystore with AUTH and TLS (`rediss://:<auth>@host:6378`); a secret. */
  redisUrl: Input<string>;
  /** The tenant's own credentials, set on its stack by the provisioner; nothing here is shared with another tenant. */
  tenant: TenantCredentials;
}

export interface TenantCredentials {
  /** The tenant's own LOGIN role, limited to its schema, `sslmode=verify-full`; a secret. */
  databaseUrl: Input<string>;
  /** The tenant's own JWT signing key (base64url); a secret. */
  tokenSigningKey: Input<string>;
  /** Every Redis key the tenant's workloads write starts with it, e.g. `t:<tenantId>:`. */
  redisPrefix: string;
}

/** What the provisioner (or a stack config) knows; the rest comes from the platform stack. */
export interface PlatformStackSettingsInput {
  /** Fully qualified platform stack, e.g. `organization/platform/prod`. */
  platformStack: string;
  platformDomain: string;
  database: { schema: string; role: string };
  /**
   * Not read: tenants run the platform stack's `workloadImage`, by digest. Kept optional only so the
   * provisioner's call compiles until it stops passing PULUMI_IMAGE_TAG; remove both together.
   */
  imageTag?: string;
}

/** Stack config keys the provisioner sets on `tenant-<slug>` through the Automation API. */
export const TENANT_CONFIG_KEYS = {
  databaseUrl: 'tenantDatabaseUrl',
  tokenSigningKey: 'tenantTokenSigningKey',
  redisPrefix: 'tenantRedisPrefix',
} as const;

/** The Pulumi project of tenant stacks; config keys are read under it whatever the runtime's project is. */
export const TENANT_PROJECT = 'tenant';

const IMAGE_BY_DIGEST = /^[a-z0-9][\w.:/-]*@sha256:[0-9a-f]{64}$/;

/** Refuses a tag where a digest is required: a tag can move, a digest names exactly one build. */
export function requireImageDigest(image: string): string {
  if (!IMAGE_BY_DIGEST.test(image))
    throw new Error(`image must be referenced by digest (<registry>/<name>@sha256:<hex>), got ${image}`);
  return image;
}

/** The tenant's credentials from its stack config; secrets stay secrets. */
export function tenantCredentialsFromConfig(config = new pulumi.Config(TENANT_PROJECT)): TenantCredentials {
  return {
    databaseUrl: config.requireSecret(TENANT_CONFIG_KEYS.databaseUrl),
    tokenSigningKey: config.requireSecret(TENANT_CONFIG_KEYS.tokenSigningKey),
    redisPrefix: config.require(TENANT_CONFIG_KEYS.redisPrefix),
  };
}

/** Settings read from the platform stack's outputs and the tenant's config; must be called while a Pulumi program runs. */
export function settingsFromPlatformStack(input: PlatformStackSettingsInput): TenantProgramSettings {
  const platform = new pulumi.StackReference(input.platformStack);
  const output = (key: string): pulumi.Output<string> => platform.requireOutput(key).apply(String);
  return {
    platformDomain: input.platformDomain,
    gcp: { project: output('gcpProject'), region: output('gcpRegion'), assetsLocation: output('gcpRegion') },
    clusterZones: platform.requireOutput('clusterZones').apply((zones) => (zones as string[]).map(String)),
    kubeconfig: pulumi.secret(output('kubeconfig')),
    dnsZoneName: output('dnsZoneName'),
    image: output('workloadImage').apply(requireImageDigest),
    privateServicesCidr: output('privateServicesCidr'),
    caCertificates: { database: output('databaseCaCertificate'), redis: output('redisCaCertificate') },
    database: input.database,
    silo: {
      host: output('siloDatabaseHost'),
      caCertificate: output('siloDatabaseCaCertificate'),
    },
    redisUrl: pulumi.secret(output('redisUrl')),
    tenant: tenantCredentialsFromConfig(),
  };
}
