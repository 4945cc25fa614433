import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { PlatformAlerts, readAlertRuleGroups } from './platform-alerts.js';
import { PlatformCluster } from './platform-cluster.js';
import { PlatformDatabase } from './platform-database.js';
import { PlatformDns } from './platform-dns.js';
import { PlatformNetwork } from './platform-network.js';
import { PlatformProvisionerIdentity } from './platform-provisioner-identity.js';
import { PlatformRedis } from './platform-redis.js';
import { PlatformRegistry } from './platform-registry.js';
import { type PlatformSettings, requireDigest } from './platform-settings.js';
import { PLATFORM_NAMESPACE, PROVISIONER_SERVICE_ACCOUNT, PlatformSystem } from './platform-system.js';

/** The shared infrastructure and the platform's own apps; its outputs are what tenant stacks read through a StackReference. */
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
      databaseName: 'platform',
      dependsOn: privateAccess,
    });
    // Enterprise tenants' own databases: one shared instance, a database per tenant (docs/scaling.md).
    const silo = new PlatformDatabase(`${name}-silo`, {
      region,
      networkId: network.networkId,
      highAvailability: settings.highAvailability,
      password: settings.databasePassword,
      databaseName: null,
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
    const provisionerIdentity = new PlatformProvisionerIdentity(name, {
      project,
      workloadPool: cluster.workloadPool,
      kubernetesServiceAccount: { namespace: PLATFORM_NAMESPACE, name: PROVISIONER_SERVICE_ACCOUNT },
      dnsZoneName: dns.zoneName,
      stateBucket: settings.pulumi.stateBucket,
      kmsCryptoKey: settings.pulumi.kmsCryptoKey,
    });

    const { images } = settings;
    const platformImage = pulumi.interpolate`${registry.registryUrl}/platform@${requireDigest('platformDigest', images.platformDigest)}`;
    const provisionerImage = pulumi.interpolate`${registry.registryUrl}/platform-provisioner@${requireDigest('provisionerDigest', images.provisionerDigest)}`;

    const kubernetes = new k8s.Provider(`${name}-gke`, { kubeconfig: cluster.kubeconfig, enableServerSideApply: true });
    const inCluster = { providers: { kubernetes } };
    const system = new PlatformSystem(
      name,
      {
        domain: settings.domain,
        images: { platform: platformImage, provisioner: provisionerImage, platformDigest: images.platformDigest },
        imageTag: images.tag,
        platformStack: `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`,
        credentials: {
          databaseUrl: database.databaseUrl,
          siloDatabaseUrl: silo.databaseUrl,
          redisUrl: redis.redisUrl,
          adminToken: settings.adminToken,
          edgeSigningSecret: settings.edgeSigningSecret,
        },
        caCertificates: {
          database: database.caCertificate,
          siloDatabase: silo.caCertificate,
          redis: redis.caCertificate,
        },
        pulumi: { backendUrl: settings.pulumi.backendUrl, secretsProvider: settings.pulumi.secretsProvider },
        provisionerServiceAccountEmail: provisionerIdentity.email,
        adminSourceRanges: settings.adminSourceRanges,
      },
      inCluster,
    );
    new PlatformAlerts(name, { groups: readAlertRuleGroups() }, inCluster);

    return {
      gcpProject: project,
      gcpRegion: region,
      platformDomain: settings.domain,
      clusterName: cluster.clusterName,
      clusterZones: cluster.zones,
      kubeconfig: cluster.kubeconfig,
      dnsZoneName: dns.zoneName,
      nameServers: dns.nameServers,
      staticIp: dns.staticIp,
      registryUrl: registry.registryUrl,
      workloadImage: platformImage,
      privateServicesCidr: network.privateServicesCidr,
      databaseConnectionName: database.connectionName,
      databaseHost: database.host,
      databaseCaCertificate: database.caCertificate,
      siloDatabaseInstance: silo.instanceName,
      siloDatabaseHost: silo.host,
      siloDatabaseCaCertificate: silo.caCertificate,
      redisUrl: redis.redisUrl,
      redisCaCertificate: redis.caCertificate,
      provisionerServiceAccount: provisionerIdentity.email,
      adminAddress: system.adminAddress,
    };
  };
}
