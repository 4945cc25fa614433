import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Asset, BrandingBundle } from '@platform/branding';
import { TenantCdn } from './tenant-cdn.js';
import { siloDatabaseUrl } from './tenant-database.js';
import { type CustomDomainTarget, TenantDns } from './tenant-dns.js';
import { TenantLoadBalancer } from './tenant-load-balancer.js';
import { CA_FILES, CA_MOUNT_PATH, TenantNamespace } from './tenant-namespace.js';
import { type TenantPlan, WORKLOADS, type WorkloadName } from './tenant-plan.js';
import type { TenantProgramSettings } from './tenant-settings.js';
import { CONTAINER_PORT, TenantWorkload } from './tenant-workload.js';

// The data API streams NDJSON and file imports; everything else answers in well under a minute.
const DATA_API_TIMEOUT_SECONDS = 300;
const DEFAULT_TIMEOUT_SECONDS = 30;
// With the workload's 10 s preStop pause this covers the load balancer's health-check interval (5 s).
const SHUTDOWN_DELAY_MS = 5_000;

export interface TenantStackArgs {
  plan: TenantPlan;
  settings: TenantProgramSettings;
}

/** Everything one tenant runs on in GCP + GKE; explicit providers so the stack never uses ambient credentials. */
export class TenantStack extends pulumi.ComponentResource {
  readonly url: string;
  readonly namespace: pulumi.Output<string>;
  readonly hostnames: string[];
  readonly cdnBucket: pulumi.Output<string>;
  readonly cdnBackendBucket: pulumi.Output<string>;
  readonly brandingObjects: string[];
  readonly dnsRecords: pulumi.Output<string[]>;
  readonly customDomainTargets: CustomDomainTarget[];
  readonly ipAddress: pulumi.Output<string>;

  constructor(name: string, args: TenantStackArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantStack', name, {}, opts);
    const { plan, settings } = args;
    const gcpProvider = new gcp.Provider(
      `${name}-gcp`,
      { project: settings.gcp.project, region: settings.gcp.region },
      { parent: this },
    );
    const k8sProvider = new k8s.Provider(
      `${name}-gke`,
      { kubeconfig: settings.kubeconfig, enableServerSideApply: true },
      { parent: this },
    );
    const child = { parent: this, providers: { gcp: gcpProvider, kubernetes: k8sProvider } };

    // An enterprise tenant's workloads reach its own database (made by the provisioner, not by this
    // stack) on the silo instance, verified against that instance's CA.
    const { placement } = plan;
    const silo =
      placement.model === 'silo'
        ? {
            databaseUrl: pulumi.secret(
              pulumi
                .all([settings.tenant.databaseUrl, settings.silo.host])
                .apply(([url, host]) => siloDatabaseUrl(url, host, placement.database)),
            ),
          }
        : undefined;

    const namespace = new TenantNamespace(
      `${name}-namespace`,
      {
        name: plan.namespace,
        labels: plan.labels,
        sizing: plan.sizing,
        publicWorkloads: WORKLOADS,
        brandingReader: 'edge',
        containerPort: CONTAINER_PORT,
        privateServicesCidr: settings.privateServicesCidr,
        caCertificates: silo
          ? { ...settings.caCertificates, database: settings.silo.caCertificate }
          : settings.caCertificates,
        credentials: silo ? { ...settings.tenant, databaseUrl: silo.databaseUrl } : settings.tenant,
        redisUrl: settings.redisUrl,
      },
      child,
    );

    const cdn = new TenantCdn(
      `${name}-cdn`,
      {
        bucketName: plan.bucketName,
        location: settings.gcp.assetsLocation,
        labels: plan.labels,
        assets: brandingByRole(plan.branding),
      },
      child,
    );

    // Every app of the tenant serves this tenant only and checks its callers with the tenant's own key.
    const port = String(CONTAINER_PORT);
    const singleTenant = {
      TENANT_MODE: 'single',
      TENANT_ID: plan.tenantId,
      TENANT_SLUG: plan.slug,
      TENANT_SCHEMA: settings.database.schema,
      TENANT_ROLE: settings.database.role,
      REDIS_KEY_PREFIX: settings.tenant.redisPrefix,
      // Usage goes to the tenant's own `usage_hours` (its role can write nothing else); the platform's
      // control plane collects it. The workloads count their own calls here: no edge relays them.
      USAGE_STORE: 'tenant',
      DATABASE_CA_CERT_FILE: `${CA_MOUNT_PATH}/${CA_FILES.database}`,
      REDIS_CA_CERT_FILE: `${CA_MOUNT_PATH}/${CA_FILES.redis}`,
      // After SIGTERM (itself after the preStop pause) the app stays up, unready, before draining.
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
    };
    const workload = (workloadName: WorkloadName, env: Record<string, pulumi.Input<string>>, probeHost?: string) =>
      new TenantWorkload(
        `${name}-${workloadName}`,
        {
          workload: workloadName,
          negName: `${plan.name}-${workloadName}`,
          namespace: namespace.namespace,
          labels: plan.labels,
          image: settings.image,
          env: { ...singleTenant, ...env },
          probeHost,
          serviceAccountName: namespace.serviceAccountName,
          secretName: namespace.secretName,
          caConfigMapName: namespace.caConfigMapName,
          sizing: plan.sizing,
          suspended: plan.suspended,
        },
        child,
      );
    const counter = workload('counter', { COUNTER_PORT: port });
    const dataApi = workload('data-api', { DATA_API_PORT: port });
    // The tenant's own edge (TENANT_MODE=single, from `singleTenant`): landing page, token endpoint,
    // suspended page; it answers probes on the platform apex only. The workloads are not behind it:
    // the load balancer routes to them directly.
    const edge = workload(
      'edge',
      {
        EDGE_PORT: port,
        EDGE_PUBLIC_PORT: '443',
        PLATFORM_DOMAIN: settings.platformDomain,
        // Branding is read from the tenant's public bucket (the one the CDN serves), not a local disk.
        ASSET_BASE_URL: `https://storage.googleapis.com/${plan.bucketName}`,
      },
      settings.platformDomain,
    );

    const loadBalanced = (workloadName: WorkloadName, target: TenantWorkload, host?: string) => ({
      name: workloadName,
      negName: target.negName,
      healthCheck: { path: '/ready', host },
      timeoutSec: workloadName === 'data-api' ? DATA_API_TIMEOUT_SECONDS : DEFAULT_TIMEOUT_SECONDS,
      dependsOn: target.servingResources,
    });
    const loadBalancer = new TenantLoadBalancer(
      `${name}-lb`,
      {
        project: settings.gcp.project,
        zones: settings.clusterZones,
        hostnames: plan.hostnames,
        edge: loadBalanced('edge', edge, settings.platformDomain),
        routes: {
          '/api/counter/': loadBalanced('counter', counter),
          '/api/data/': loadBalanced('data-api', dataApi),
        },
        assetsBackendBucket: cdn.backendBucket,
      },
      child,
    );

    const dns = new TenantDns(
      `${name}-dns`,
      {
        zoneName: settings.dnsZoneName,
        platformHostnames: [plan.platformHostname],
        customDomains: plan.customDomains,
        address: loadBalancer.address,
      },
      child,
    );

    this.url = `https://${plan.platformHostname}/`;
    this.namespace = namespace.namespace;
    this.hostnames = plan.hostnames;
    this.cdnBucket = cdn.bucketName;
    this.cdnBackendBucket = cdn.backendBucket;
    this.brandingObjects = cdn.objects;
    this.dnsRecords = dns.records;
    this.customDomainTargets = dns.customDomainTargets;
    this.ipAddress = loadBalancer.address;
    this.registerOutputs({
      url: this.url,
      namespace: this.namespace,
      hostnames: this.hostnames,
      cdnBucket: this.cdnBucket,
      dnsRecords: this.dnsRecords,
    });
  }
}

function brandingByRole(bundle: BrandingBundle): Record<string, Asset> {
  const { theme, logo, landingPage, suspendedPage } = bundle;
  return { theme, ...(logo ? { logo } : {}), landing: landingPage, suspended: suspendedPage };
}
