import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface TenantDnsArgs {
  /** Cloud DNS managed zone resource name of the platform domain. */
  zoneName: pulumi.Input<string>;
  /** Hostnames under the platform domain: ours to publish. */
  platformHostnames: string[];
  /** The tenant's own domains: their zone is not ours, so the tenant gets a CNAME target instead. */
  customDomains: string[];
  address: pulumi.Input<string>;
}

export interface CustomDomainTarget {
  domain: string;
  cname: string;
}

/** One A record per platform hostname, plus the CNAME target each custom domain must point at. */
export class TenantDns extends pulumi.ComponentResource {
  readonly records: pulumi.Output<string[]>;
  readonly customDomainTargets: CustomDomainTarget[];

  constructor(name: string, args: TenantDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantDns', name, {}, opts);
    const records = args.platformHostnames.map(
      (hostname) =>
        new gcp.dns.RecordSet(
          `${name}-${hostname}`,
          {
            managedZone: args.zoneName,
            name: `${hostname}.`,
            type: 'A',
            ttl: 300,
            rrdatas: [args.address],
          },
          { parent: this },
        ),
    );
    const [primary] = args.platformHostnames;
    this.records = pulumi.all(records.map((record) => record.name));
    this.customDomainTargets = args.customDomains.map((domain) => ({ domain, cname: `${primary}.` }));
    this.registerOutputs({ records: this.records, customDomainTargets: this.customDomainTargets });
  }
}
