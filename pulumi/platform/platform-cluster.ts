import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface PlatformClusterArgs {
  project: string;
  region: string;
  networkId: pulumi.Input<string>;
  subnetworkId: pulumi.Input<string>;
}

/** GKE Autopilot: Google runs the nodes, and pods must declare requests (the tenant LimitRange sets them). */
export class PlatformCluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;
  /** Zones the cluster's nodes run in: where the NEG controller creates each Service's standalone NEGs. */
  readonly zones: pulumi.Output<string[]>;
  /** `<project>.svc.id.goog`: Kubernetes service accounts act as Google service accounts through it. */
  readonly workloadPool: string;

  constructor(name: string, args: PlatformClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformCluster', name, {}, opts);
    const cluster = new gcp.container.Cluster(
      `${name}-gke`,
      {
        name: `${name}-gke`,
        location: args.region,
        enableAutopilot: true,
        network: args.networkId,
        subnetwork: args.subnetworkId,
        ipAllocationPolicy: { clusterSecondaryRangeName: 'pods', servicesSecondaryRangeName: 'services' },
        releaseChannel: { channel: 'REGULAR' },
        privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false },
        // Pods get a Google identity only through Workload Identity, never the node's.
        workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
        deletionProtection: true,
      },
      { parent: this },
    );

    this.clusterName = cluster.name;
    this.zones = cluster.nodeLocations;
    this.workloadPool = `${args.project}.svc.id.goog`;
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, cluster.masterAuth])
        .apply(([clusterName, endpoint, auth]) =>
          kubeconfigFor(`${args.project}_${args.region}_${clusterName}`, endpoint, auth.clusterCaCertificate ?? ''),
        ),
    );
    this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig, zones: this.zones });
  }
}

/** Uses gke-gcloud-auth-plugin, so the kubeconfig holds no long-lived credential. */
function kubeconfigFor(context: string, endpoint: string, caCertificate: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: context, cluster: { server: `https://${endpoint}`, 'certificate-authority-data': caCertificate } },
    ],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    'current-context': context,
    users: [
      {
        name: context,
        user: {
          exec: {
            apiVersion: 'client.authentication.k8s.io/v1beta1',
            command: 'gke-gcloud-auth-plugin',
            provideClusterInfo: true,
            installHint:
              'Install gke-gcloud-auth-plugin: https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl',
          },
        },
      },
    ],
  });
}
