import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface PlatformRedisArgs {
  region: string;
  networkId: pulumi.Input<string>;
  highAvailability: boolean;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/**
 * Memorystore for Redis with AUTH and in-transit encryption: BullMQ queues, the edge's route
 * invalidation channel, the tenants' rate limits and caches (each tenant under its own key prefix).
 */
export class PlatformRedis extends pulumi.ComponentResource {
  /** `rediss://:<auth>@host:6378`; a secret. */
  readonly redisUrl: pulumi.Output<string>;
  /** PEM of the server CA; clients verify the server with it. */
  readonly caCertificate: pulumi.Output<string>;

  constructor(name: string, args: PlatformRedisArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformRedis', name, {}, opts);
    const redis = new gcp.redis.Instance(
      `${name}-redis`,
      {
        name: `${name}-redis`,
        region: args.region,
        tier: args.highAvailability ? 'STANDARD_HA' : 'BASIC',
        memorySizeGb: args.highAvailability ? 5 : 1,
        redisVersion: 'REDIS_7_2',
        authorizedNetwork: args.networkId,
        connectMode: 'PRIVATE_SERVICE_ACCESS',
        authEnabled: true,
        transitEncryptionMode: 'SERVER_AUTHENTICATION',
        // BullMQ loses delayed and repeatable jobs if keys are evicted.
        redisConfigs: { 'maxmemory-policy': 'noeviction' },
      },
      { parent: this, dependsOn: args.dependsOn },
    );

    this.redisUrl = pulumi.secret(
      pulumi.interpolate`rediss://:${redis.authString.apply(encodeURIComponent)}@${redis.host}:${redis.port}`,
    );
    this.caCertificate = redis.serverCaCerts.apply((certs) => certs.map((cert) => cert.cert).join('\n'));
    this.registerOutputs({ redisUrl: this.redisUrl, caCertificate: this.caCertificate });
  }
}
