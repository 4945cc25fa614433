import * as pulumi from '@pulumi/pulumi';
import type { Input } from '@pulumi/pulumi';

/**
 * What a tenant stack needs from the platform around it. Values that come from the platform
 * stack are Inputs (a StackReference resolves them during the run); names that resource names
 * derive from are plain strings so names are known before anything runs.
 */
export interface TenantProgramSettings {
  platformDomain: string;
  /** `assetsLocation`: where the branding bucket lives; Cloud CDN serves it from the edge wherever that is. */
  gcp: { project: Input<string>; region: Input<string>; assetsLocation: Input<string> };
  /** Kubeconfig of the platform's GKE cluster; a secret. */
  kubeconfig: Input<string>;
  /** Cloud DNS managed zone (resource name, not DNS name) that holds `<slug>.<platformDomain>`. */
  dnsZoneName: Input<string>;
  images: { edge: Input<string>; counter: Input<string>; dataApi: Input<string> };
  /** Namespace of the platform's ingress controller / edge; the only in-cluster caller allowed in. */
  ingressControllerNamespace: string;
  /** Private range of Cloud SQL and Memorystore; the only place tenant pods may open connections to. */
  privateServicesCidr: Input<string>;
  database: { url: Input<string>; schema: string; role: string };
  /** The edge's route-invalidation channel; a secret like the database URL. */
  redisUrl: Input<string>;
  edgeSigningSecret: Input<string>;
}

/** What the provisioner (or a stack config) knows; the rest comes from the platform stack. */
export interface PlatformStackSettingsInput {
  /** Fully qualified platform stack, e.g. `organization/platform/prod`. */
  platformStack: string;
  platformDomain: string;
  imageTag: string;
  database: { schema: string; role: string };
}

export const INGRESS_CONTROLLER_NAMESPACE = 'platform-edge';

/** Settings read from the platform stack's outputs; must be called while a Pulumi program runs. */
export function settingsFromPlatformStack(input: PlatformStackSettingsInput): TenantProgramSettings {
  const platform = new pulumi.StackReference(input.platformStack);
  const output = (key: string): pulumi.Output<string> => platform.requireOutput(key).apply(String);
  const image = (name: string) => pulumi.interpolate`${output('registryUrl')}/${name}:${input.imageTag}`;
  return {
    platformDomain: input.platformDomain,
    gcp: { project: output('gcpProject'), region: output('gcpRegion'), assetsLocation: output('gcpRegion') },
    kubeconfig: pulumi.secret(output('kubeconfig')),
    dnsZoneName: output('dnsZoneName'),
    images: { edge: image('edge'), counter: image('counter'), dataApi: image('data-api') },
    ingressControllerNamespace: INGRESS_CONTROLLER_NAMESPACE,
    privateServicesCidr: output('privateServicesCidr'),
    database: { url: pulumi.secret(output('databaseUrl')), ...input.database },
    redisUrl: pulumi.secret(output('redisUrl')),
    edgeSigningSecret: pulumi.secret(output('edgeSigningSecret')),
  };
}
