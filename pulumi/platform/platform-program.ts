import * as pulumi from '@pulumi/pulumi';
import { PlatformCluster } from './platform-cluster.js';
import { PlatformDatabase } from './platform-database.js';
import { PlatformDns } from './platform-dns.js';
import { PlatformNetwork } from './platform-network.js';
import { PlatformRedis } from './platform-redis.js';
import { PlatformRegistry } from './platform-registry.js';
import type { PlatformSettings } from './platform-settings.js';

/** The shared infrastructure; its outputs are what tenant stacks read through a StackReference. */
export function platformProgram(settings: PlatformSettings) {
  return async () => {
    const { name, project, region } = settings;
    const network = new PlatformNetwork(name, { region });
    const cluster = new PlatformCluster(name, {
      project,
      region,
      networkId: network.networkId,
      subnetworkId: network.subnetworkId,
    });
    const privateAccess = [network.privateServicesConnection];
    const database = new PlatformDatabase(name, {
      region,
      networkId: network.networkId,
      highAvailability: settings.highAvailability,
      password: settings.databasePassword,
      dependsOn: privateAccess,
    });
    const redis = new PlatformRedis(name, {
      region,
      networkId: network.networkId,
      highAvailability: settings.highAvailability,
      dependsOn: privateAccess,
    });
    const dns = new PlatformDns(name, { domain: settings.domain });
    const registry = new PlatformRegistry(name, { project, region });
    return {
      gcpProject: project,
      gcpRegion: region,
      platformDomain: settings.domain,
      clusterName: cluster.clusterName,
      kubeconfig: cluster.kubeconfig,
      dnsZoneName: dns.zoneName,
      nameServers: dns.nameServers,
      staticIp: dns.staticIp,
      registryUrl: registry.registryUrl,
      privateServicesCidr: network.privateServicesCidr,
      databaseConnectionName: database.connectionName,
      databaseUrl: database.databaseUrl,
      redisUrl: pulumi.secret(redis.redisUrl),
      edgeSigningSecret: pulumi.secret(settings.edgeSigningSecret),
    };
  };
}
