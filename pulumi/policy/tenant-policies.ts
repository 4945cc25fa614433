import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';

/** What a workload's pod template looks like in a resource's inputs (Deployment or Job). */
interface Container {
  name?: string;
  image?: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: { runAsNonRoot?: boolean; readOnlyRootFilesystem?: boolean };
}
interface PodSpec {
  securityContext?: { runAsNonRoot?: boolean };
  containers?: Container[];
}
interface KubernetesProps {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: {
    template?: { spec?: PodSpec };
    podSelector?: unknown;
    policyTypes?: string[];
    ingress?: unknown;
    egress?: unknown;
  };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

const POD_OWNERS = new Set(['kubernetes:apps/v1:Deployment', 'kubernetes:batch/v1:Job']);
/** The apps the platform image starts, by first argument (ops/docker-entrypoint.sh). */
export const IMAGE_APPS = ['control-plane', 'provisioner', 'edge', 'counter', 'data-api', 'migrate'] as const;
const IMAGE_BY_DIGEST = /@sha256:[0-9a-f]{64}$/;
const TENANT_NAMESPACE = /^tenant-/;
/** Keys that carry a platform-wide credential: one of them in a tenant namespace reaches every tenant. */
export const PLATFORM_SECRET_KEYS = [
  'EDGE_SIGNING_SECRET',
  'ADMIN_TOKEN',
  'TENANT_JWT_SECRET',
  'PULUMI_CONFIG_PASSPHRASE',
];
/** The platform database user (pulumi/platform): it owns the control plane's tables and every tenant role. */
export const PLATFORM_DATABASE_USER = 'platform';

const containersOf = (props: KubernetesProps): { pod: PodSpec; containers: Container[] } => {
  const pod = props.spec?.template?.spec ?? {};
  return { pod, containers: pod.containers ?? [] };
};
const inTenantNamespace = (props: KubernetesProps) => TENANT_NAMESPACE.test(props.metadata?.namespace ?? '');
const describe = (args: { type: string; props: KubernetesProps }) =>
  `${args.type} ${args.props.metadata?.namespace ?? ''}/${args.props.metadata?.name ?? ''}`;

function forEachContainer(
  validate: (container: Container, pod: PodSpec, args: ResourceValidationArgs, report: ReportViolation) => void,
) {
  return (args: ResourceValidationArgs, report: ReportViolation) => {
    if (!POD_OWNERS.has(args.type)) return;
    const { pod, containers } = containersOf(args.props as KubernetesProps);
    for (const container of containers) validate(container, pod, args, report);
  };
}

export const containersHardened: ResourceValidationPolicy = {
  name: 'containers-hardened',
  description: 'Containers run as non-root on a read-only root filesystem, with CPU and memory requests and limits.',
  enforcementLevel: 'mandatory',
  validateResource: forEachContainer((container, pod, args, report) => {
    const where = `${describe(args)} container ${container.name ?? '?'}`;
    if (!(container.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot))
      report(`${where} may run as root (runAsNonRoot is not true)`);
    if (container.securityContext?.readOnlyRootFilesystem !== true) report(`${where} has a writable root filesystem`);
    for (const kind of ['requests', 'limits'] as const)
      for (const resource of ['cpu', 'memory'])
        if (!container.resources?.[kind]?.[resource]) report(`${where} sets no ${resource} ${kind}`);
  }),
};

export const imagesByDigest: ResourceValidationPolicy = {
  name: 'images-by-digest',
  description:
    'Every container image is referenced by digest (`<registry>/<image>@sha256:...`), never by a movable tag.',
  enforcementLevel: 'mandatory',
  validateResource: forEachContainer((container, _pod, args, report) => {
    if (!IMAGE_BY_DIGEST.test(container.image ?? ''))
      report(
        `${describe(args)} container ${container.name ?? '?'} pulls ${container.image ?? 'no image'}, not by digest`,
      );
  }),
};

export const startsItsApp: ResourceValidationPolicy = {
  name: 'starts-its-app',
  description:
    "Each Deployment starts its own app: the container's argument is the app named by its `app.kubernetes.io/name` label.",
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== 'kubernetes:apps/v1:Deployment') return;
    const props = args.props as KubernetesProps;
    const app = props.metadata?.labels?.['app.kubernetes.io/name'];
    for (const container of containersOf(props).containers) {
      const [argument] = container.args ?? [];
      if (!argument || !(IMAGE_APPS as readonly string[]).includes(argument) || argument !== app)
        report(
          `${describe(args)} starts ${argument ?? 'the image default'} instead of its app ${app ?? '(unlabelled)'}`,
        );
    }
  },
};

export const defaultDenyNetworkPolicy: StackValidationPolicy = {
  name: 'default-deny-network-policy',
  description: 'Every tenant namespace has a NetworkPolicy that selects all pods and denies ingress and egress.',
  enforcementLevel: 'mandatory',
  validateStack: (args: StackValidationArgs, report) => {
    const denied = new Set(
      args.resources
        .filter((resource) => resource.type === 'kubernetes:networking.k8s.io/v1:NetworkPolicy')
        .map((resource) => resource.props as KubernetesProps)
        .filter(({ spec }) => isDenyAll(spec))
        .map((props) => props.metadata?.namespace),
    );
    for (const resource of args.resources.filter((candidate) => candidate.type === 'kubernetes:core/v1:Namespace')) {
      const name = (resource.props as KubernetesProps).metadata?.name ?? '';
      if (TENANT_NAMESPACE.test(name) && !denied.has(name))
        report(`namespace ${name} has no default-deny NetworkPolicy`, resource.urn);
    }
  },
};

function isDenyAll(spec: KubernetesProps['spec']): boolean {
  const selectsAll = JSON.stringify(spec?.podSelector ?? null) === '{}';
  const types = spec?.policyTypes ?? [];
  return selectsAll && types.includes('Ingress') && types.includes('Egress') && !spec?.ingress && !spec?.egress;
}

export const noPlatformSecretInTenantNamespace: ResourceValidationPolicy = {
  name: 'no-platform-secret-in-tenant-namespace',
  description:
    'No Secret, ConfigMap or container env in a tenant namespace carries a platform-wide credential: the shared signing secret, the admin token, or the platform database user.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const props = args.props as KubernetesProps;
    if (!inTenantNamespace(props)) return;
    const entries: [string, string | undefined][] = [
      ...Object.entries({ ...props.data, ...props.stringData }),
      ...(POD_OWNERS.has(args.type)
        ? containersOf(props).containers.flatMap((container) =>
            (container.env ?? []).map((variable): [string, string | undefined] => [variable.name, variable.value]),
          )
        : []),
    ];
    for (const [key, value] of entries) {
      if (PLATFORM_SECRET_KEYS.includes(key)) report(`${describe(args)} holds the platform-wide ${key}`);
      if (typeof value === 'string' && databaseUser(value) === PLATFORM_DATABASE_USER)
        report(`${describe(args)} ${key} connects as the platform database user`);
    }
  },
};

function databaseUser(value: string): string | undefined {
  if (!/^postgres(ql)?:\/\//.test(value)) return undefined;
  try {
    return decodeURIComponent(new URL(value).username);
  } catch {
    return undefined;
  }
}

/** The tenant invariants, in the order `pulumi preview --policy-pack pulumi/policy` reports them. */
export const TENANT_POLICIES = [
  containersHardened,
  imagesByDigest,
  startsItsApp,
  defaultDenyNetworkPolicy,
  noPlatformSecretInTenantNamespace,
];
