import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface PlatformRedisArgs {
  region: string;
  networkId: pulumi.Input<string>;
  highAvailability: boolean;
  dependsOn: pulumi.Input<pulumi.Resource>[];
}

/** Memorystore for Redis: BullMQ queues and the edge's route invalidation channel. */
export class PlatformRedis extends pulumi.ComponentResource {
  readonly redisUrl: pulumi.Output<string>;

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
        // BullMQ loses delayed and repeatable jobs if keys are evicted.
        redisConfigs: { 'maxmemory-policy': 'noeviction' },
      },
      { parent: this, dependsOn: args.dependsOn },
    );

    this.redisUrl = pulumi.interpolate`redis://${redis.host}:${redis.port}`;
    this.registerOutputs({ redisUrl: this.redisUrl });
  }
}
