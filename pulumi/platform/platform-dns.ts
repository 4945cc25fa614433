import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface PlatformDnsArgs {
  domain: string;
}

/** The platform's Cloud DNS zone (tenants add `<slug>.` records to it) and the global IP of the platform's own entry. */
export class PlatformDns extends pulumi.ComponentResource {
  readonly zoneName: pulumi.Output<string>;
  readonly nameServers: pulumi.Output<string[]>;
  readonly staticIp: pulumi.Output<string>;

  constructor(name: string, args: PlatformDnsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformDns', name, {}, opts);
    const parent = { parent: this };

    const zone = new gcp.dns.ManagedZone(
      `${name}-zone`,
      {
        name: `${name}-zone`,
        dnsName: `${args.domain}.`,
        dnssecConfig: { state: 'on' },
      },
      parent,
    );
    const address = new gcp.compute.GlobalAddress(
      `${name}-ip`,
      { name: `${name}-ip`, addressType: 'EXTERNAL' },
      parent,
    );
    new gcp.dns.RecordSet(
      `${name}-apex`,
      {
        managedZone: zone.name,
        name: zone.dnsName,
        type: 'A',
        ttl: 300,
        rrdatas: [address.address],
      },
      parent,
    );

    this.zoneName = zone.name;
    this.nameServers = zone.nameServers;
    this.staticIp = address.address;
    this.registerOutputs({ zoneName: this.zoneName, nameServers: this.nameServers, staticIp: this.staticIp });
  }
}
