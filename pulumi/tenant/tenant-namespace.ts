import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { TenantCredentials } from './tenant-settings.js';
import type { TierSizing } from './tenant-sizing.js';

export interface TenantNamespaceArgs {
  name: string;
  labels: Record<string, string>;
  sizing: TierSizing;
  /** The workloads the load balancer sends requests to, straight to their pods (container-native). */
  publicWorkloads: readonly string[];
  /** The one workload that talks to the internet (the edge reads branding from the tenant's public bucket). */
  brandingReader: string;
  containerPort: number;
  privateServicesCidr: pulumi.Input<string>;
  caCertificates: { database: pulumi.Input<string>; redis: pulumi.Input<string> };
  credentials: TenantCredentials;
  redisUrl: pulumi.Input<string>;
}

// Google Front Ends and health checkers reach pods directly with container-native load balancing.
export const GOOGLE_LOAD_BALANCER_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];
// Managed Prometheus collectors run in this namespace and scrape pods over the pod network.
const MANAGED_PROMETHEUS_NAMESPACE = 'gmp-system';
const POSTGRES_PORT = 5432;
// Memorystore serves TLS on 6378 when in-transit encryption is on.
const REDIS_TLS_PORT = 6378;

/** Where the server CAs are mounted; the apps verify Cloud SQL and Memorystore against them. */
export const CA_MOUNT_PATH = '/etc/platform/ca';
export const CA_FILES = { database: 'cloudsql-server-ca.pem', redis: 'memorystore-server-ca.pem' } as const;

/** The tenant's isolation boundary: namespace, quota, defaults, network policy, identity, credentials. */
export class TenantNamespace extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly serviceAccountName: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  readonly caConfigMapName: pulumi.Output<string>;

  constructor(name: string, args: TenantNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantNamespace', name, {}, opts);
    const parent = { parent: this };
    const { quota, container } = args.sizing;
    const metadata = (resourceName: string) => ({ name: resourceName, namespace: args.name, labels: args.labels });
    const appPort = [{ protocol: 'TCP', port: args.containerPort }];

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

    // The load balancer reaches the edge, the counter and the data API directly, on the app port only;
    // nothing else in the cluster may call them (the pods never call each other either).
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-load-balancer`,
      {
        metadata: metadata('allow-from-load-balancer'),
        spec: {
          podSelector: {
            matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'In', values: [...args.publicWorkloads] }],
          },
          policyTypes: ['Ingress'],
          ingress: [{ from: GOOGLE_LOAD_BALANCER_RANGES.map((cidr) => ({ ipBlock: { cidr } })), ports: appPort }],
        },
      },
      inNamespace,
    );

    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-monitoring`,
      {
        metadata: metadata('allow-from-managed-prometheus'),
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [
                {
                  namespaceSelector: {
                    matchLabels: { 'kubernetes.io/metadata.name': MANAGED_PROMETHEUS_NAMESPACE },
                  },
                },
              ],
              ports: appPort,
            },
          ],
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
                { protocol: 'TCP', port: POSTGRES_PORT },
                { protocol: 'TCP', port: REDIS_TLS_PORT },
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
          podSelector: { matchLabels: { 'app.kubernetes.io/name': args.brandingReader } },
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

    // Only this tenant's credentials: its own login role, its own signing key, the cache's AUTH
    // string (Memorystore has one per instance; keys are kept apart by REDIS_KEY_PREFIX).
    const secret = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: metadata('tenant-credentials'),
        type: 'Opaque',
        stringData: {
          DATABASE_URL: args.credentials.databaseUrl,
          TENANT_TOKEN_SIGNING_KEY: args.credentials.tokenSigningKey,
          REDIS_URL: args.redisUrl,
        },
      },
      inNamespace,
    );

    const ca = new k8s.core.v1.ConfigMap(
      `${name}-server-ca`,
      {
        metadata: metadata('platform-server-ca'),
        data: { [CA_FILES.database]: args.caCertificates.database, [CA_FILES.redis]: args.caCertificates.redis },
      },
      inNamespace,
    );

    this.namespace = namespace.metadata.name;
    this.serviceAccountName = serviceAccount.metadata.name;
    this.secretName = secret.metadata.name;
    this.caConfigMapName = ca.metadata.name;
    this.registerOutputs({
      namespace: this.namespace,
      serviceAccountName: this.serviceAccountName,
      secretName: this.secretName,
      caConfigMapName: this.caConfigMapName,
    });
  }
}
