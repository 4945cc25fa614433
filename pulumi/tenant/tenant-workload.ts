import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { CA_MOUNT_PATH } from './tenant-namespace.js';
import type { TierSizing } from './tenant-sizing.js';

export interface TenantWorkloadArgs {
  /** `edge`, `counter` or `data-api`: the Deployment, Service, HPA and PDB names, and the app the image starts. */
  workload: string;
  /** Name of the standalone NEG the GKE NEG controller creates for the Service, in every cluster zone. */
  negName: string;
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  /** The platform image by digest; the container's argument picks the app. */
  image: pulumi.Input<string>;
  /** On top of the tenant Secret: the app's port variable and whatever else it needs. */
  env: Record<string, pulumi.Input<string>>;
  /** Host header for probes, for apps that answer probes on one host only (the edge: the platform apex). */
  probeHost?: string;
  serviceAccountName: pulumi.Input<string>;
  secretName: pulumi.Input<string>;
  /** ConfigMap with the database and cache server CAs, mounted at CA_MOUNT_PATH. */
  caConfigMapName: pulumi.Input<string>;
  sizing: TierSizing;
  /** Suspended tenants keep their objects at zero replicas and without an autoscaler. */
  suspended: boolean;
}

export const CONTAINER_PORT = 8080;
const RUN_AS_USER = 10001;
// The load balancer needs a few seconds to stop sending new requests to a terminating pod; the app
// drains what it already has after that, within the grace period.
const PRE_STOP_SECONDS = 10;
const TERMINATION_GRACE_SECONDS = 45;

/** One tenant workload: hardened Deployment, ClusterIP Service with a standalone NEG, autoscaler, disruption budget, scrape config. */
export class TenantWorkload extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;
  readonly negName: string;
  /** The NEG controller creates the NEGs once the Service exists; the rollout wait gives it the time. */
  readonly servingResources: pulumi.Resource[];

  constructor(name: string, args: TenantWorkloadArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantWorkload', name, {}, opts);
    const parent = { parent: this };
    const { sizing } = args;
    const selector = { 'app.kubernetes.io/name': args.workload, 'platform/tenant': args.labels['platform/tenant'] };
    const labels = { ...args.labels, ...selector };
    const metadata = { name: args.workload, namespace: args.namespace, labels };
    const httpHeaders = args.probeHost ? [{ name: 'Host', value: args.probeHost }] : [];

    const deployment = new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata,
        spec: {
          replicas: args.suspended ? 0 : sizing.replicas.min,
          selector: { matchLabels: selector },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          progressDeadlineSeconds: 600,
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: args.serviceAccountName,
              automountServiceAccountToken: false,
              terminationGracePeriodSeconds: TERMINATION_GRACE_SECONDS,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: RUN_AS_USER,
                runAsGroup: RUN_AS_USER,
                fsGroup: RUN_AS_USER,
                seccompProfile: { type: 'RuntimeDefault' },
              },
              containers: [
                {
                  name: args.workload,
                  image: args.image,
                  args: [args.workload],
                  ports: [{ name: 'http', containerPort: CONTAINER_PORT }],
                  env: [
                    { name: 'NODE_ENV', value: 'production' },
                    ...Object.entries(args.env).map(([envName, value]) => ({ name: envName, value })),
                  ],
                  envFrom: [{ secretRef: { name: args.secretName } }],
                  resources: sizing.container,
                  readinessProbe: {
                    httpGet: { path: '/ready', port: 'http', httpHeaders },
                    periodSeconds: 5,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    httpGet: { path: '/health', port: 'http', httpHeaders },
                    initialDelaySeconds: 10,
                    periodSeconds: 10,
                  },
                  lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
                  securityContext: {
                    runAsNonRoot: true,
                    readOnlyRootFilesystem: true,
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ['ALL'] },
                  },
                  // The root filesystem is read-only; Node and its libraries still need a scratch directory.
                  volumeMounts: [
                    { name: 'tmp', mountPath: '/tmp' },
                    { name: 'server-ca', mountPath: CA_MOUNT_PATH, readOnly: true },
                  ],
                },
              ],
              volumes: [
                { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
                { name: 'server-ca', configMap: { name: args.caConfigMapName } },
              ],
            },
          },
        },
      },
      parent,
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        // A standalone NEG per zone, named here so the tenant's load balancer can point at it.
        metadata: {
          ...metadata,
          annotations: {
            'cloud.google.com/neg': JSON.stringify({ exposed_ports: { '80': { name: args.negName } } }),
          },
        },
        spec: { type: 'ClusterIP', selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
      parent,
    );

    if (!args.suspended) {
      new k8s.autoscaling.v2.HorizontalPodAutoscaler(
        `${name}-hpa`,
        {
          metadata,
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
            minReplicas: sizing.replicas.min,
            maxReplicas: sizing.replicas.max,
            metrics: [
              {
                type: 'Resource',
                resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: sizing.cpuTargetPercent } },
              },
            ],
          },
        },
        parent,
      );
    }

    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      {
        metadata,
        spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
      },
      parent,
    );

    // Google Managed Prometheus scrapes every pod of the workload.
    new k8s.apiextensions.CustomResource(
      `${name}-monitoring`,
      {
        apiVersion: 'monitoring.googleapis.com/v1',
        kind: 'PodMonitoring',
        metadata,
        spec: { selector: { matchLabels: selector }, endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }] },
      },
      parent,
    );

    this.serviceName = service.metadata.name;
    this.deploymentName = deployment.metadata.name;
    this.negName = args.negName;
    this.servingResources = [service, deployment];
    this.registerOutputs({ serviceName: this.serviceName, deploymentName: this.deploymentName });
  }
}
