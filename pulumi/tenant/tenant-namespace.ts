import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { TierSizing } from './tenant-sizing.js';

export interface TenantNamespaceArgs {
  name: string;
  labels: Record<string, string>;
  sizing: TierSizing;
  ingressControllerNamespace: string;
  /** The one workload the load balancer may reach. */
  publicWorkload: string;
  containerPort: number;
  privateServicesCidr: pulumi.Input<string>;
  database: { url: pulumi.Input<string>; schema: string; role: string };
  redisUrl: pulumi.Input<string>;
  edgeSigningSecret: pulumi.Input<string>;
}

// Google Front Ends and health checkers reach pods directly with container-native load balancing.
const GOOGLE_LOAD_BALANCER_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];

/** The tenant's isolation boundary: namespace, quota, defaults, network policy, identity, credentials. */
export class TenantNamespace extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly serviceAccountName: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;

  constructor(name: string, args: TenantNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantNamespace', name, {}, opts);
    const parent = { parent: this };
    const { quota, container } = args.sizing;
    const metadata = (resourceName: string) => ({ name: resourceName, namespace: args.name, labels: args.labels });

    const namespace = new k8s.core.v1.Namespace(name, { metadata: { name: args.name, labels: args.labels } }, parent);
    const inNamespace = { parent: this, dependsOn: [namespace] };

    new k8s.core.v1.ResourceQuota(
      `${name}-quota`,
      {
        metadata: metadata('tenant-quota'),
        spec: {
          hard: {
            'requests.cpu': quota.requestsCpu,
            'requests.memory': quota.requestsMemory,
            'limits.cpu': quota.limitsCpu,
            'limits.memory': quota.limitsMemory,
            pods: String(quota.pods),
            'services.loadbalancers': '0',
            'services.nodeports': '0',
          },
        },
      },
      inNamespace,
    );

    new k8s.core.v1.LimitRange(
      `${name}-limits`,
      {
        metadata: metadata('tenant-limits'),
        spec: { limits: [{ type: 'Container', defaultRequest: container.requests, default: container.limits }] },
      },
      inNamespace,
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      {
        metadata: metadata('default-deny'),
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      },
      inNamespace,
    );

    // Only the tenant's edge faces the load balancer; the workloads trust nothing but its signature.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-ingress`,
      {
        metadata: metadata('allow-from-ingress'),
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': args.publicWorkload } },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: { 'kubernetes.io/metadata.name': args.ingressControllerNamespace },
                  },
                },
                ...GOOGLE_LOAD_BALANCER_RANGES.map((cidr) => ({ ipBlock: { cidr } })),
              ],
            },
          ],
        },
      },
      inNamespace,
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-within`,
      {
        metadata: metadata('allow-within-namespace'),
        spec: {
          podSelector: {},
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ podSelector: {} }] }],
          egress: [{ to: [{ podSelector: {} }], ports: [{ protocol: 'TCP', port: args.containerPort }] }],
        },
      },
      inNamespace,
    );

    // Egress only to cluster DNS and the platform's private database/cache range: never to other tenants.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-egress`,
      {
        metadata: metadata('allow-egress'),
        spec: {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
            {
              to: [{ ipBlock: { cidr: args.privateServicesCidr } }],
              ports: [
                { protocol: 'TCP', port: 5432 },
                { protocol: 'TCP', port: 6379 },
              ],
            },
          ],
        },
      },
      inNamespace,
    );

    // The edge reads the tenant's branding from its public bucket over HTTPS; private ranges (other
    // pods, other tenants) stay out of reach.
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-edge-branding`,
      {
        metadata: metadata('allow-edge-branding-egress'),
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': args.publicWorkload } },
          policyTypes: ['Egress'],
          egress: [
            {
              to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
              ports: [{ protocol: 'TCP', port: 443 }],
            },
          ],
        },
      },
      inNamespace,
    );

    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      {
        metadata: metadata('tenant-workload'),
        automountServiceAccountToken: false,
      },
      inNamespace,
    );

    const secret = new k8s.core.v1.Secret(
      `${name}-database`,
      {
        metadata: metadata('tenant-database'),
        type: 'Opaque',
        stringData: {
          DATABASE_URL: args.database.url,
          REDIS_URL: args.redisUrl,
          TENANT_SCHEMA: args.database.schema,
          TENANT_ROLE: args.database.role,
          EDGE_SIGNING_SECRET: args.edgeSigningSecret,
        },
      },
      inNamespace,
    );

    this.namespace = namespace.metadata.name;
    this.serviceAccountName = serviceAccount.metadata.name;
    this.secretName = secret.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
      secretName: this.secretName,
    });
  }
}
