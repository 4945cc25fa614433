import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export interface PlatformRegistryArgs {
  project: string;
  region: string;
}

/** Artifact Registry for the platform's images; tenant stacks pull `<registryUrl>/<app>:<tag>`. */
export class PlatformRegistry extends pulumi.ComponentResource {
  readonly registryUrl: pulumi.Output<string>;

  constructor(name: string, args: PlatformRegistryArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:infra:PlatformRegistry', name, {}, opts);
    const repository = new gcp.artifactregistry.Repository(
      `${name}-images`,
      {
        repositoryId: `${name}-images`,
        location: args.region,
        format: 'DOCKER',
        dockerConfig: { immutableTags: true },
      },
      { parent: this },
    );
    this.registryUrl = pulumi.interpolate`${args.region}-docker.pkg.dev/${args.project}/${repository.repositoryId}`;
    this.registerOutputs({ registryUrl: this.registryUrl });
  }
}
