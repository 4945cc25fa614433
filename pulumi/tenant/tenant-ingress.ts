import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

export interface TenantIngressArgs {
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  hostnames: string[];
  /** URL path prefix → Service name (port 80) in the tenant namespace. */
  routes: Record<string, pulumi.Input<string>>;
}

/**
 * GKE Ingress for every hostname of the tenant, with a Google-managed certificate covering all of
 * them and a global address of its own, so DNS points at an IP that outlives Ingress re-creation.
 */
export class TenantIngress extends pulumi.ComponentResource {
  readonly address: pulumi.Output<string>;

  constructor(name: string, args: TenantIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantIngress', name, {}, opts);
    const parent = { parent: this };

    const address = new gcp.compute.GlobalAddress(
      `${name}-ip`,
      { name: `${name}-ip`, addressType: 'EXTERNAL' },
      parent,
    );

    const certificate = new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      {
        apiVersion: 'networking.gke.io/v1',
        kind: 'ManagedCertificate',
        metadata: { name: 'tenant-certificate', namespace: args.namespace, labels: args.labels },
        spec: { domains: args.hostnames },
      },
      parent,
    );

    const paths = Object.entries(args.routes).map(([path, serviceName]) => ({
      path,
      pathType: 'Prefix',
      backend: { service: { name: serviceName, port: { number: 80 } } },
    }));

    new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      {
        metadata: {
          name: 'tenant-ingress',
          namespace: args.namespace,
          labels: args.labels,
          annotations: {
            'kubernetes.io/ingress.class': 'gce',
            'kubernetes.io/ingress.global-static-ip-name': address.name,
            'networking.gke.io/managed-certificates': certificate.metadata.name,
            'kubernetes.io/ingress.allow-http': 'false',
          },
        },
        spec: { rules: args.hostnames.map((host) => ({ host, http: { paths } })) },
      },
      parent,
    );

    this.address = address.address;
    this.registerOutputs({ address: this.address });
  }
}
