import * as pulumi from '@pulumi/pulumi';

export interface PlatformSettings {
  /** Prefix of every resource name, e.g. `platform`. */
  name: string;
  project: string;
  region: string;
  domain: string;
  /** Regional (HA) Cloud SQL and a standard-tier Redis replica; off for cheap staging stacks. */
  highAvailability: boolean;
  databasePassword: pulumi.Input<string>;
  edgeSigningSecret: pulumi.Input<string>;
  /** The control plane's bootstrap operator token (`ADMIN_TOKEN`). */
  adminToken: pulumi.Input<string>;
  images: PlatformImages;
  /** Where the provisioner keeps tenant stacks: the platform stack's own backend, so StackReferences resolve. */
  pulumi: { backendUrl: string; stateBucket: string; secretsProvider: string; kmsCryptoKey: string };
  /** CIDRs allowed to reach the admin API and queue dashboard through the internal load balancer. */
  adminSourceRanges: string[];
}

/** Images by digest, pushed by CI (`ci.yml`) and set with `pulumi config set platform:...`. */
export interface PlatformImages {
  /** Commit the images were built from; the tag they were pushed under (for people, not for pulling). */
  tag: string;
  /** `sha256:<hex>` of `<registry>/platform`: control plane, edge, counter, data API, migrations. */
  platformDigest: string;
  /** `sha256:<hex>` of `<registry>/platform-provisioner`: the same plus the Pulumi CLI and plugins. */
  provisionerDigest: string;
}

/** Address plan of the platform VPC; the tenant stacks' egress policy allows `privateServices`. */
export const NETWORK_RANGES = {
  nodes: '10.10.0.0/20',
  pods: '10.20.0.0/14',
  services: '10.24.0.0/20',
  privateServicesPrefixLength: 16,
} as const;

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Refuses a tag where a digest is required; the stack config must name exactly one build. */
export function requireDigest(key: string, value: string): string {
  if (!DIGEST.test(value)) throw new Error(`platform:${key} must be an image digest sha256:<64 hex>, got ${value}`);
  return value;
}

/** The platform stack's settings as `npm run preview -- --platform` shows them: placeholders, secrets marked. */
export function previewPlatformSettings(domain: string): PlatformSettings {
  return {
    name: 'platform',
    project: 'preview-project',
    region: 'europe-west1',
    domain,
    highAvailability: true,
    databasePassword: pulumi.secret('preview-database-password'),
    edgeSigningSecret: pulumi.secret('preview-edge-signing-secret-of-32-chars'),
    adminToken: pulumi.secret('preview-admin-token-24-chars'),
    images: {
      tag: '0000000000000000000000000000000000000000',
      platformDigest: `sha256:${'a1'.repeat(32)}`,
      provisionerDigest: `sha256:${'b2'.repeat(32)}`,
    },
    pulumi: {
      backendUrl: 'gs://preview-project-pulumi-state',
      stateBucket: 'preview-project-pulumi-state',
      secretsProvider: 'gcpkms://projects/preview-project/locations/europe-west1/keyRings/pulumi/cryptoKeys/state',
      kmsCryptoKey: 'projects/preview-project/locations/europe-west1/keyRings/pulumi/cryptoKeys/state',
    },
    adminSourceRanges: ['10.0.0.0/8'],
  };
}
