import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';

export interface PlatformSystemArgs {
  domain: string;
  /** `<registry>/platform@sha256:...` and `<registry>/platform-provisioner@sha256:...`; the digest names the migration Job. */
  images: { platform: pulumi.Input<string>; provisioner: pulumi.Input<string>; platformDigest: string };
  /** Tag of the images (the commit); handed to the provisioner as PULUMI_IMAGE_TAG. */
  imageTag: string;
  /** Fully qualified name of this platform stack: tenant stacks read its outputs. */
  platformStack: string;
  credentials: {
    databaseUrl: pulumi.Input<string>;
    /** The platform user's URL on the silo instance, without its CA file (added here); a secret. */
    siloDatabaseUrl: pulumi.Input<string>;
    redisUrl: pulumi.Input<string>;
    adminToken: pulumi.Input<string>;
    edgeSigningSecret: pulumi.Input<string>;
  };
  caCertificates: { database: pulumi.Input<string>; siloDatabase: pulumi.Input<string>; redis: pulumi.Input<string> };
  pulumi: { backendUrl: string; secretsProvider: string };
  provisionerServiceAccountEmail: pulumi.Input<string>;
  adminSourceRanges: string[];
}

export const PLATFORM_NAMESPACE = 'platform-system';
export const PROVISIONER_SERVICE_ACCOUNT = 'provisioner';
const CA_MOUNT_PATH = '/etc/platform/ca';
const SILO_DATABASE_CA_FILE = 'cloudsql-silo-server-ca.pem';
const RUN_AS_USER = 10001;
const PORTS = { controlPlane: 3000, provisioner: 3003 } as const;
// A tenant `pulumi up` takes minutes; the provisioner's advisory lock must outlast it (see the pulumi target).
const PROVISIONER_LOCK_MS = String(30 * 60 * 1000);

/**
 * The platform's own apps in `platform-system`: the migration Job first (Pulumi waits for it to
 * complete), then the control plane and the provisioner. The admin API and queue dashboard are
 * reachable only through an internal load balancer, from `adminSourceRanges`.
 */
export class PlatformSystem extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  readonly adminAddress: pulumi.Output<string>;

  constructor(name: string, args: PlatformSystemArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformSystem', name, {}, opts);
    const labels = { 'app.kubernetes.io/managed-by': 'pulumi', 'app.kubernetes.io/part-of': 'platform' };
    const metadata = (resourceName: string, extra: Record<string, string> = {}) => ({
      name: resourceName,
      namespace: PLATFORM_NAMESPACE,
      labels: { ...labels, ...extra },
    });

    const namespace = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: PLATFORM_NAMESPACE, labels } },
      { parent: this },
    );
    const inNamespace = { parent: this, dependsOn: [namespace] };

    const secret = new k8s.core.v1.Secret(
      `${name}-credentials`,
      {
        metadata: metadata('platform-credentials'),
        type: 'Opaque',
        stringData: {
          DATABASE_URL: args.credentials.databaseUrl,
          // Where the provisioner makes enterprise tenants' databases and the control plane reaches them;
          // the silo instance has a CA of its own, named in the URL (DATABASE_CA_CERT_FILE is the platform's).
          SILO_DATABASE_URL: pulumi
            .output(args.credentials.siloDatabaseUrl)
            .apply((url) => withRootCertificate(url, `${CA_MOUNT_PATH}/${SILO_DATABASE_CA_FILE}`)),
          REDIS_URL: args.credentials.redisUrl,
          ADMIN_TOKEN: args.credentials.adminToken,
          EDGE_SIGNING_SECRET: args.credentials.edgeSigningSecret,
        },
      },
      inNamespace,
    );
    const ca = new k8s.core.v1.ConfigMap(
      `${name}-server-ca`,
      {
        metadata: metadata('platform-server-ca'),
        data: {
          'cloudsql-server-ca.pem': args.caCertificates.database,
          [SILO_DATABASE_CA_FILE]: args.caCertificates.siloDatabase,
          'memorystore-server-ca.pem': args.caCertificates.redis,
        },
      },
      inNamespace,
    );

    const controlPlaneAccount = new k8s.core.v1.ServiceAccount(
      `${name}-control-plane-sa`,
      { metadata: metadata('control-plane'), automountServiceAccountToken: false },
      inNamespace,
    );
    // Workload Identity: the pod acts as the provisioner's Google service account, and nothing else does.
    const provisionerAccount = new k8s.core.v1.ServiceAccount(
      `${name}-provisioner-sa`,
      {
        metadata: {
          ...metadata(PROVISIONER_SERVICE_ACCOUNT),
          annotations: { 'iam.gke.io/gcp-service-account': args.provisionerServiceAccountEmail },
        },
      },
      inNamespace,
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-provisioner-binding`,
      {
        metadata: { name: 'tenant-provisioner', labels },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: tenantProvisionerRole(this, name, labels),
        },
        subjects: [{ kind: 'ServiceAccount', name: PROVISIONER_SERVICE_ACCOUNT, namespace: PLATFORM_NAMESPACE }],
      },
      { parent: this, dependsOn: [provisionerAccount] },
    );

    const common = {
      NODE_ENV: 'production',
      PLATFORM_DOMAIN: args.domain,
      DATABASE_CA_CERT_FILE: `${CA_MOUNT_PATH}/cloudsql-server-ca.pem`,
      REDIS_CA_CERT_FILE: `${CA_MOUNT_PATH}/memorystore-server-ca.pem`,
    };
    const podSpec = ({ app, image, env = {}, serviceAccountName, resources, port }: PlatformApp) => ({
      serviceAccountName,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: RUN_AS_USER,
        runAsGroup: RUN_AS_USER,
        fsGroup: RUN_AS_USER,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: app,
          image,
          args: [app],
          env: Object.entries({ ...common, ...env }).map(([envName, value]) => ({ name: envName, value })),
          envFrom: [{ secretRef: { name: secret.metadata.name } }],
          resources,
          ...(port
            ? {
                ports: [{ name: 'http', containerPort: port }],
                readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
                livenessProbe: {
                  httpGet: { path: '/health', port: 'http' },
                  initialDelaySeconds: 10,
                  periodSeconds: 10,
                },
                lifecycle: { preStop: { sleep: { seconds: 10 } } },
              }
            : {}),
          securityContext: {
            runAsNonRoot: true,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
          },
          volumeMounts: [
            { name: 'tmp', mountPath: '/tmp' },
            { name: 'server-ca', mountPath: CA_MOUNT_PATH, readOnly: true },
          ],
        },
      ],
      volumes: [
        // The provisioner's Pulumi workspaces and PULUMI_HOME live here; the root filesystem is read-only.
        { name: 'tmp', emptyDir: { sizeLimit: '2Gi' } },
        { name: 'server-ca', configMap: { name: ca.metadata.name } },
      ],
    });

    // Jobs are immutable: a new image is a new Job, named after the digest. Pulumi waits for it to complete.
    const migration = new k8s.batch.v1.Job(
      `${name}-migrate`,
      {
        metadata: metadata(`migrate-${args.images.platformDigest.replace(/^sha256:/, '').slice(0, 12)}`, {
          'app.kubernetes.io/name': 'migrate',
        }),
        spec: {
          backoffLimit: 3,
          activeDeadlineSeconds: 600,
          template: {
            metadata: { labels: { ...labels, 'app.kubernetes.io/name': 'migrate' } },
            spec: {
              restartPolicy: 'Never',
              automountServiceAccountToken: false,
              ...podSpec({
                app: 'migrate',
                image: args.images.platform,
                serviceAccountName: controlPlaneAccount.metadata.name,
                resources: SMALL,
              }),
            },
          },
        },
      },
      { ...inNamespace, customTimeouts: { create: '10m', update: '10m' } },
    );
    const afterMigration = { parent: this, dependsOn: [migration] };

    const deployment = (spec: PlatformApp & { automountToken: boolean; gracePeriodSeconds: number }) => {
      const { app } = spec;
      const selector = { 'app.kubernetes.io/name': app };
      new k8s.apps.v1.Deployment(
        `${name}-${app}`,
        {
          metadata: metadata(app, selector),
          spec: {
            replicas: 2,
            selector: { matchLabels: selector },
            strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
              // Names the migration this version of the app was started after (an input of the Job, so Pulumi
              // creates the Deployment only once the Job has completed).
              metadata: {
                labels: { ...labels, ...selector },
                annotations: { 'platform/migration': migration.metadata.name },
              },
              spec: {
                automountServiceAccountToken: spec.automountToken,
                terminationGracePeriodSeconds: spec.gracePeriodSeconds,
                ...podSpec(spec),
              },
            },
          },
        },
        afterMigration,
      );
      new k8s.apiextensions.CustomResource(
        `${name}-${app}-monitoring`,
        {
          apiVersion: 'monitoring.googleapis.com/v1',
          kind: 'PodMonitoring',
          metadata: metadata(app, selector),
          spec: {
            selector: { matchLabels: selector },
            endpoints: [{ port: 'http', path: '/metrics', interval: '30s' }],
          },
        },
        inNamespace,
      );
      return selector;
    };

    const controlPlane = deployment({
      app: 'control-plane',
      image: args.images.platform,
      // Collects each tenant's usage from its own `usage_hours` (its workloads run USAGE_STORE=tenant)
      // every minute; a collection replaces, so every replica collecting is harmless.
      env: { CONTROL_PLANE_PORT: String(PORTS.controlPlane), USAGE_COLLECT_INTERVAL_MS: '60000' },
      serviceAccountName: controlPlaneAccount.metadata.name,
      resources: SMALL,
      port: PORTS.controlPlane,
      automountToken: false,
      gracePeriodSeconds: 45,
    });
    deployment({
      app: 'provisioner',
      image: args.images.provisioner,
      env: {
        PROVISIONER_PORT: String(PORTS.provisioner),
        PROVISIONING_TARGET: 'pulumi',
        PROVISIONER_LOCK_MS,
        PULUMI_BACKEND_URL: args.pulumi.backendUrl,
        PULUMI_SECRETS_PROVIDER: args.pulumi.secretsProvider,
        PULUMI_PLATFORM_STACK: args.platformStack,
        PULUMI_IMAGE_TAG: args.imageTag,
        PULUMI_HOME: '/tmp/pulumi-home',
        HOME: '/tmp',
      },
      serviceAccountName: provisionerAccount.metadata.name,
      resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      port: PORTS.provisioner,
      // It talks to the Kubernetes API (tenant namespaces, rollout status) as itself.
      automountToken: true,
      // A `pulumi up` in flight is allowed to finish rather than leave a locked stack behind.
      gracePeriodSeconds: 600,
    });

    // Operators only: an internal passthrough load balancer in the VPC, from the listed ranges.
    const admin = new k8s.core.v1.Service(
      `${name}-admin`,
      {
        metadata: {
          ...metadata('control-plane-internal', controlPlane),
          annotations: { 'networking.gke.io/load-balancer-type': 'Internal' },
        },
        spec: {
          type: 'LoadBalancer',
          selector: controlPlane,
          loadBalancerSourceRanges: args.adminSourceRanges,
          // Keeps the operator's address as the packet's source, so the NetworkPolicy below can check it.
          externalTrafficPolicy: 'Local',
          ports: [{ name: 'http', port: 80, targetPort: PORTS.controlPlane }],
        },
      },
      afterMigration,
    );

    // Nothing reaches the platform's pods but operators (through the internal load balancer) and Managed
    // Prometheus; tenant pods could not anyway (their egress stops at DNS, the database and the cache).
    new k8s.networking.v1.NetworkPolicy(
      `${name}-default-deny`,
      { metadata: metadata('default-deny-ingress'), spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      inNamespace,
    );
    const scrape = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } } };
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-admin`,
      {
        metadata: metadata('allow-operators-and-monitoring'),
        spec: {
          podSelector: { matchLabels: controlPlane },
          policyTypes: ['Ingress'],
          ingress: [
            {
              from: [...args.adminSourceRanges.map((cidr) => ({ ipBlock: { cidr } })), scrape],
              ports: [{ protocol: 'TCP', port: PORTS.controlPlane }],
            },
          ],
        },
      },
      inNamespace,
    );
    new k8s.networking.v1.NetworkPolicy(
      `${name}-allow-provisioner-monitoring`,
      {
        metadata: metadata('allow-provisioner-monitoring'),
        spec: {
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'provisioner' } },
          policyTypes: ['Ingress'],
          ingress: [{ from: [scrape], ports: [{ protocol: 'TCP', port: PORTS.provisioner }] }],
        },
      },
      inNamespace,
    );

    this.namespace = namespace.metadata.name;
    this.adminAddress = admin.status.loadBalancer.ingress.apply((ingress) => ingress?.[0]?.ip ?? '');
    this.registerOutputs({ namespace: this.namespace, adminAddress: this.adminAddress });
  }
}

/** Pure: a Postgres URL whose server certificate must chain to the CA in `caFile`. */
export function withRootCertificate(databaseUrl: string, caFile: string): string {
  const url = new URL(databaseUrl);
  url.searchParams.set('sslrootcert', caFile);
  return url.toString();
}

/** One of the platform's processes: the app the image starts, and how its pod runs. */
interface PlatformApp {
  app: string;
  image: pulumi.Input<string>;
  env?: Record<string, string>;
  serviceAccountName: pulumi.Input<string>;
  resources: ContainerResources;
  /** Serves HTTP (probes, metrics) on this port; the migration Job serves nothing. */
  port?: number;
}

interface ContainerResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

const SMALL: ContainerResources = { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } };

/** Exactly the kinds a tenant stack creates, cluster-wide (namespaces are created by the stack itself). */
function tenantProvisionerRole(
  parent: pulumi.Resource,
  name: string,
  labels: Record<string, string>,
): pulumi.Output<string> {
  const manage = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
  const role = new k8s.rbac.v1.ClusterRole(
    `${name}-provisioner-role`,
    {
      metadata: { name: 'tenant-provisioner', labels },
      rules: [
        {
          apiGroups: [''],
          resources: [
            'namespaces',
            'resourcequotas',
            'limitranges',
            'serviceaccounts',
            'secrets',
            'configmaps',
            'services',
          ],
          verbs: manage,
        },
        { apiGroups: ['apps'], resources: ['deployments'], verbs: manage },
        { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers'], verbs: manage },
        { apiGroups: ['policy'], resources: ['poddisruptionbudgets'], verbs: manage },
        { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: manage },
        { apiGroups: ['monitoring.googleapis.com'], resources: ['podmonitorings'], verbs: manage },
        // The status reader: rollout progress and pods the quota refuses.
        { apiGroups: [''], resources: ['pods', 'events'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    { parent },
  );
  return role.metadata.name;
}
