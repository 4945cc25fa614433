import { createHash } from 'node:crypto';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface LoadBalancedWorkload {
  /** The workload's name (`edge`, `counter`, `data-api`): names its health check and backend service. */
  name: string;
  /** Name of the standalone NEG the GKE NEG controller creates in every cluster zone. */
  negName: string;
  /** Readiness path for the health check, and the Host it must carry (the edge answers probes on the apex only). */
  healthCheck: { path: string; host?: string };
  /** Longest request the workload serves (the data API streams imports). */
  timeoutSec: number;
  /** Resources that must exist before the backend points at the NEGs (Service and Deployment). */
  dependsOn: pulumi.Resource[];
}

export interface TenantLoadBalancerArgs {
  project: pulumi.Input<string>;
  zones: pulumi.Input<string[]>;
  hostnames: string[];
  /** Everything not routed below: landing page, token endpoint, suspended page. */
  edge: LoadBalancedWorkload;
  /** URL path prefix (ending in `/`) → workload; the prefix is replaced by `/` on the way, as the local edge does. */
  routes: Record<string, LoadBalancedWorkload>;
  /** `/assets/` → the Cloud CDN backend bucket with the branding files (at the bucket's root). */
  assetsBackendBucket: pulumi.Input<string>;
}

// A GFE sends at most this many requests per second to one pod before preferring another.
const MAX_RATE_PER_ENDPOINT = 100;
const ASSETS_PREFIX = '/assets/';

/**
 * The tenant's global external Application Load Balancer, built from compute resources rather than a
 * GKE Ingress or Gateway because neither can route to a backend bucket: `/api/counter/*` and
 * `/api/data/*` go straight to the workloads' pods (standalone NEGs), `/assets/*` to Cloud CDN, the
 * rest to the tenant's edge. One global IP, one Google-managed certificate for all hostnames, and
 * plain HTTP redirected to HTTPS.
 */
export class TenantLoadBalancer extends pulumi.ComponentResource {
  readonly address: pulumi.Output<string>;
  readonly urlMap: pulumi.Output<string>;

  constructor(name: string, args: TenantLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantLoadBalancer', name, {}, opts);
    const parent = { parent: this };

    const address = new gcp.compute.GlobalAddress(
      `${name}-ip`,
      { name: `${name}-ip`, addressType: 'EXTERNAL' },
      parent,
    );

    const backend = (workload: LoadBalancedWorkload) => {
      const workloadName = workload.name;
      const healthCheck = new gcp.compute.HealthCheck(
        `${name}-${workloadName}-hc`,
        {
          name: `${name}-${workloadName}-hc`,
          checkIntervalSec: 5,
          timeoutSec: 3,
          httpHealthCheck: {
            portSpecification: 'USE_SERVING_PORT',
            requestPath: workload.healthCheck.path,
            host: workload.healthCheck.host,
          },
        },
        parent,
      );
      return new gcp.compute.BackendService(
        `${name}-${workloadName}`,
        {
          name: `${name}-${workloadName}`,
          protocol: 'HTTP',
          loadBalancingScheme: 'EXTERNAL_MANAGED',
          timeoutSec: workload.timeoutSec,
          connectionDrainingTimeoutSec: 30,
          healthChecks: healthCheck.id,
          backends: pulumi.output(args.zones).apply((zones) =>
            zones.map((zone) => ({
              group: pulumi.interpolate`https://www.googleapis.com/compute/v1/projects/${args.project}/zones/${zone}/networkEndpointGroups/${workload.negName}`,
              balancingMode: 'RATE',
              maxRatePerEndpoint: MAX_RATE_PER_ENDPOINT,
            })),
          ),
          logConfig: { enable: true, sampleRate: 0.1 },
        },
        { parent: this, dependsOn: workload.dependsOn },
      );
    };

    const edge = backend(args.edge);
    const routeRules = [
      ...Object.entries(args.routes).map(([prefix, workload], index) => ({
        priority: index + 1,
        matchRules: [{ prefixMatch: prefix }],
        service: backend(workload).id,
        routeAction: { urlRewrite: { pathPrefixRewrite: '/' } },
      })),
      {
        priority: Object.keys(args.routes).length + 1,
        matchRules: [{ prefixMatch: ASSETS_PREFIX }],
        service: args.assetsBackendBucket,
        routeAction: { urlRewrite: { pathPrefixRewrite: '/' } },
      },
    ];

    const urlMap = new gcp.compute.URLMap(
      `${name}-urls`,
      {
        name: `${name}-urls`,
        defaultService: edge.id,
        hostRules: [{ hosts: args.hostnames, pathMatcher: 'tenant' }],
        pathMatchers: [{ name: 'tenant', defaultService: edge.id, routeRules }],
      },
      parent,
    );

    // A managed certificate's domains cannot change in place: the name follows them, so a new
    // certificate is provisioned next to the old one before the proxy switches over.
    const certificate = new gcp.compute.ManagedSslCertificate(
      `${name}-cert`,
      { name: `${name}-cert-${digestOf(args.hostnames)}`, managed: { domains: args.hostnames } },
      parent,
    );
    const httpsProxy = new gcp.compute.TargetHttpsProxy(
      `${name}-https`,
      { name: `${name}-https`, urlMap: urlMap.id, sslCertificates: [certificate.id] },
      parent,
    );
    new gcp.compute.GlobalForwardingRule(
      `${name}-https`,
      {
        name: `${name}-https`,
        target: httpsProxy.id,
        ipAddress: address.address,
        ipProtocol: 'TCP',
        portRange: '443',
        loadBalancingScheme: 'EXTERNAL_MANAGED',
      },
      parent,
    );

    const redirect = new gcp.compute.URLMap(
      `${name}-redirect`,
      {
        name: `${name}-redirect`,
        defaultUrlRedirect: {
          httpsRedirect: true,
          stripQuery: false,
          redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT',
        },
      },
      parent,
    );
    const httpProxy = new gcp.compute.TargetHttpProxy(
      `${name}-http`,
      { name: `${name}-http`, urlMap: redirect.id },
      parent,
    );
    new gcp.compute.GlobalForwardingRule(
      `${name}-http`,
      {
        name: `${name}-http`,
        target: httpProxy.id,
        ipAddress: address.address,
        ipProtocol: 'TCP',
        portRange: '80',
        loadBalancingScheme: 'EXTERNAL_MANAGED',
      },
      parent,
    );

    this.address = address.address;
    this.urlMap = urlMap.id;
    this.registerOutputs({ address: this.address, urlMap: this.urlMap });
  }
}

function digestOf(values: string[]): string {
  return createHash('sha256').update(values.join(',')).digest('hex').slice(0, 8);
}
