import type * as pulumi from '@pulumi/pulumi';

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
}

/** Address plan of the platform VPC; the tenant stacks' egress policy allows `privateServices`. */
export const NETWORK_RANGES = {
  nodes: '10.10.0.0/20',
  pods: '10.20.0.0/14',
  services: '10.24.0.0/20',
  privateServicesPrefixLength: 16,
} as const;
