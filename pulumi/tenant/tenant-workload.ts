import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { TierSizing } from './tenant-sizing.js';

export interface TenantWorkloadArgs {
  /** `edge`, `counter` or `data-api`: the Deployment, Service, HPA and PDB names. */
  workload: string;
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  image: pulumi.Input<string>;
  /** On top of the tenant Secret: the app's port variable and whatever else it needs. */
  env: Record<string, pulumi.Input<string>>;
  /** Host header for probes, for apps that answer probes on one host only (the edge: the platform apex). */
  probeHost?: string;
  serviceAccountName: pulumi.Input<string>;
  secretName: pulumi.Input<string>;
  sizing: TierSizing;
  /** Suspended tenants keep their objects at zero replicas and without an autoscaler. */
  suspended: boolean;
}

export const CONTAINER_PORT = 8080;
const RUN_AS_USER = 10001;

/** One tenant workload: hardened Deployment, ClusterIP Service, autoscaler and disruption budget. */
export class TenantWorkload extends pulumi.ComponentResource {
  readonly serviceName: pulumi.Output<string>;
  readonly deploymentName: pulumi.Output<string>;

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
                  securityContext: {
                    runAsNonRoot: true,
                    readOnlyRootFilesystem: true,
                    allowPrivilegeEscalation: false,
                    capabilities: { drop: ['ALL'] },
                  },
                  // The root filesystem is read-only; Node and its libraries still need a scratch directory.
                  volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
                },
              ],
              volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
            },
          },
        },
      },
      parent,
    );

    const service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { ...metadata, annotations: { 'cloud.google.com/neg': '{"ingress": true}' } },
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

    this.serviceName = service.metadata.name;
    this.deploymentName = deployment.metadata.name;
    this.registerOutputs({ serviceName: this.serviceName, deploymentName: this.deploymentName });
  }
}
