import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { Asset, BrandingBundle } from '@platform/branding';
import { TenantCdn } from './tenant-cdn.js';
import { type CustomDomainTarget, TenantDns } from './tenant-dns.js';
import { TenantIngress } from './tenant-ingress.js';
import { TenantNamespace } from './tenant-namespace.js';
import type { TenantPlan, WorkloadName } from './tenant-plan.js';
import type { TenantProgramSettings } from './tenant-settings.js';
import { CONTAINER_PORT, TenantWorkload } from './tenant-workload.js';

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

    const namespace = new TenantNamespace(
      `${name}-namespace`,
      {
        name: plan.namespace,
        labels: plan.labels,
        sizing: plan.sizing,
        ingressControllerNamespace: settings.ingressControllerNamespace,
        publicWorkload: 'edge',
        containerPort: CONTAINER_PORT,
        privateServicesCidr: settings.privateServicesCidr,
        database: settings.database,
        redisUrl: settings.redisUrl,
        edgeSigningSecret: settings.edgeSigningSecret,
      },
      child,
    );

    const workload = (
      workloadName: WorkloadName,
      image: pulumi.Input<string>,
      env: Record<string, pulumi.Input<string>>,
      probeHost?: string,
    ) =>
      new TenantWorkload(
        `${name}-${workloadName}`,
        {
          workload: workloadName,
          namespace: namespace.namespace,
          labels: plan.labels,
          image,
          env,
          probeHost,
          serviceAccountName: namespace.serviceAccountName,
          secretName: namespace.secretName,
          sizing: plan.sizing,
          suspended: plan.suspended,
        },
        child,
      );
    const port = String(CONTAINER_PORT);
    const counter = workload('counter', settings.images.counter, { COUNTER_PORT: port });
    const dataApi = workload('data-api', settings.images.dataApi, { DATA_API_PORT: port });
    // The tenant's own edge: resolves the Host, authenticates callers and signs what it forwards to
    // the workloads next to it; it answers probes on the platform apex only.
    const edge = workload(
      'edge',
      settings.images.edge,
      {
        EDGE_PORT: port,
        EDGE_PUBLIC_PORT: '443',
        PLATFORM_DOMAIN: settings.platformDomain,
        COUNTER_URL: pulumi.interpolate`http://${counter.serviceName}`,
        DATA_API_URL: pulumi.interpolate`http://${dataApi.serviceName}`,
        // Branding is read from the tenant's public bucket (the one the CDN serves), not a local disk.
        ASSET_BASE_URL: `https://storage.googleapis.com/${plan.bucketName}`,
      },
      settings.platformDomain,
    );

    const ingress = new TenantIngress(
      `${name}-ingress`,
      {
        namespace: namespace.namespace,
        labels: plan.labels,
        hostnames: plan.hostnames,
        routes: { '/': edge.serviceName },
      },
      child,
    );

    const dns = new TenantDns(
      `${name}-dns`,
      {
        zoneName: settings.dnsZoneName,
        platformHostnames: [plan.platformHostname],
        customDomains: plan.customDomains,
        address: ingress.address,
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

    this.url = `https://${plan.platformHostname}/`;
    this.namespace = namespace.namespace;
    this.hostnames = plan.hostnames;
    this.cdnBucket = cdn.bucketName;
    this.cdnBackendBucket = cdn.backendBucket;
    this.brandingObjects = cdn.objects;
    this.dnsRecords = dns.records;
    this.customDomainTargets = dns.customDomainTargets;
    this.ipAddress = ingress.address;
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
