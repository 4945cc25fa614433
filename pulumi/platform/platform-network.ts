import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { NETWORK_RANGES } from './platform-settings.js';

export interface PlatformNetworkArgs {
  region: string;
}

/** VPC, the GKE subnet with pod/service ranges, and private service access for Cloud SQL and Memorystore. */
export class PlatformNetwork extends pulumi.ComponentResource {
  readonly networkId: pulumi.Output<string>;
  readonly subnetworkId: pulumi.Output<string>;
  readonly privateServicesCidr: pulumi.Output<string>;
  readonly privateServicesConnection: gcp.servicenetworking.Connection;

  constructor(name: string, args: PlatformNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformNetwork', name, {}, opts);
    const parent = { parent: this };

    const network = new gcp.compute.Network(
      `${name}-vpc`,
      { name: `${name}-vpc`, autoCreateSubnetworks: false },
      parent,
    );
    const subnetwork = new gcp.compute.Subnetwork(
      `${name}-gke`,
      {
        name: `${name}-gke`,
        network: network.id,
        region: args.region,
        ipCidrRange: NETWORK_RANGES.nodes,
        privateIpGoogleAccess: true,
        secondaryIpRanges: [
          { rangeName: 'pods', ipCidrRange: NETWORK_RANGES.pods },
          { rangeName: 'services', ipCidrRange: NETWORK_RANGES.services },
        ],
      },
      parent,
    );

    const privateRange = new gcp.compute.GlobalAddress(
      `${name}-private-services`,
      {
        name: `${name}-private-services`,
        network: network.id,
        purpose: 'VPC_PEERING',
        addressType: 'INTERNAL',
        prefixLength: NETWORK_RANGES.privateServicesPrefixLength,
      },
      parent,
    );

    this.privateServicesConnection = new gcp.servicenetworking.Connection(
      `${name}-private-services`,
      {
        network: network.id,
        service: 'servicenetworking.googleapis.com',
        reservedPeeringRanges: [privateRange.name],
      },
      parent,
    );

    this.networkId = network.id;
    this.subnetworkId = subnetwork.id;
    this.privateServicesCidr = pulumi.interpolate`${privateRange.address}/${NETWORK_RANGES.privateServicesPrefixLength}`;
    this.registerOutputs({
      networkId: this.networkId,
      subnetworkId: this.subnetworkId,
      privateServicesCidr: this.privateServicesCidr,
    });
  }
}
