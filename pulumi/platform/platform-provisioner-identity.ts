import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface PlatformProvisionerIdentityArgs {
  project: string;
  /** `<project>.svc.id.goog` of the cluster. */
  workloadPool: string;
  /** The Kubernetes service account the provisioner runs as. */
  kubernetesServiceAccount: { namespace: string; name: string };
  /** The platform's Cloud DNS zone: tenants' A records go there and nowhere else. */
  dnsZoneName: pulumi.Input<string>;
  /** Pulumi state: the provisioner reads the platform stack's outputs and writes tenant stacks. */
  stateBucket: string;
  /** The KMS key that encrypts secrets in Pulumi state. */
  kmsCryptoKey: string;
}

/**
 * What a tenant stack creates in GCP, and nothing more, is what the provisioner's Google service
 * account may do: load-balancer pieces and global addresses, `tenant-*` buckets, records in the
 * platform zone, cluster credentials (Kubernetes RBAC says what it may do inside), its Pulumi state.
 */
export const PROVISIONER_PROJECT_ROLES = {
  // URL maps, backend services, health checks, target proxies, forwarding rules, SSL certificates, NEG use.
  'roles/compute.loadBalancerAdmin': undefined,
  // The tenant's global external IP address.
  'roles/compute.publicIpAdmin': undefined,
  // An endpoint and a token for the cluster; what it may do there is the ClusterRole `tenant-provisioner`.
  'roles/container.clusterViewer': undefined,
  // Branding buckets only: every tenant bucket is named `tenant-<slug>-assets-<hash>`.
  'roles/storage.admin': {
    title: 'tenant buckets only',
    expression: 'resource.name.startsWith("projects/_/buckets/tenant-")',
  },
} as const;

/** The provisioner's Google service account, bound to its Kubernetes service account through Workload Identity. */
export class PlatformProvisionerIdentity extends pulumi.ComponentResource {
  readonly email: pulumi.Output<string>;

  constructor(name: string, args: PlatformProvisionerIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformProvisionerIdentity', name, {}, opts);
    const parent = { parent: this };

    const account = new gcp.serviceaccount.Account(
      `${name}-provisioner`,
      { accountId: `${name}-provisioner`, displayName: 'Tenant provisioner (Pulumi tenant stacks)' },
      parent,
    );
    const member = pulumi.interpolate`serviceAccount:${account.email}`;
    const { namespace, name: kubernetesName } = args.kubernetesServiceAccount;

    new gcp.serviceaccount.IAMMember(
      `${name}-provisioner-workload-identity`,
      {
        serviceAccountId: account.name,
        role: 'roles/iam.workloadIdentityUser',
        member: `serviceAccount:${args.workloadPool}[${namespace}/${kubernetesName}]`,
      },
      parent,
    );

    for (const [role, condition] of Object.entries(PROVISIONER_PROJECT_ROLES)) {
      new gcp.projects.IAMMember(
        `${name}-provisioner-${role.replace(/^roles\//, '').replace(/\./g, '-')}`,
        { project: args.project, role, member, condition },
        parent,
      );
    }

    new gcp.dns.DnsManagedZoneIamMember(
      `${name}-provisioner-dns`,
      { managedZone: args.dnsZoneName, role: 'roles/dns.admin', member },
      parent,
    );
    new gcp.storage.BucketIAMMember(
      `${name}-provisioner-state`,
      { bucket: args.stateBucket, role: 'roles/storage.objectAdmin', member },
      parent,
    );
    new gcp.kms.CryptoKeyIAMMember(
      `${name}-provisioner-kms`,
      { cryptoKeyId: args.kmsCryptoKey, role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member },
      parent,
    );

    this.email = account.email;
    this.registerOutputs({ email: this.email });
  }
}
