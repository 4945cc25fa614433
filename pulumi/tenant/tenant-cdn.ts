import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { Asset } from '@platform/branding';

export interface TenantCdnArgs {
  bucketName: string;
  location: pulumi.Input<string>;
  labels: Record<string, string>;
  /** By role (`theme`, `logo`, `landing`, `suspended`): logical names stay put while file names follow content. */
  assets: Record<string, Asset>;
}

// Names are content-hashed, so a name never changes meaning: caches may keep a file forever.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** GCS bucket with the tenant's branding files behind a Cloud CDN backend bucket. */
export class TenantCdn extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly backendBucket: pulumi.Output<string>;
  readonly objects: string[];

  constructor(name: string, args: TenantCdnArgs, opts?: pulumi.ComponentResourceOptions) {
    super('platform:tenant:TenantCdn', name, {}, opts);
    const parent = { parent: this };
    // GCS labels allow only [a-z0-9_-]; Kubernetes-style keys with "/" and "." are rewritten.
    const labels = Object.fromEntries(
      Object.entries(args.labels).map(([key, value]) => [key.replace(/[./]/g, '_'), value]),
    );

    const bucket = new gcp.storage.Bucket(
      `${name}-bucket`,
      {
        name: args.bucketName,
        location: args.location,
        uniformBucketLevelAccess: true,
        forceDestroy: true,
        labels,
      },
      parent,
    );

    // Branding is public by nature (it is the tenant's landing page); the CDN reads it anonymously.
    new gcp.storage.BucketIAMMember(
      `${name}-public-read`,
      {
        bucket: bucket.name,
        role: 'roles/storage.objectViewer',
        member: 'allUsers',
      },
      parent,
    );

    // A new content hash changes `name`, which Pulumi applies as create-new-then-delete-old:
    // pages never reference a file that is not there yet.
    for (const [role, asset] of Object.entries(args.assets)) {
      new gcp.storage.BucketObject(
        `${name}-${role}`,
        {
          bucket: bucket.name,
          name: asset.name,
          contentType: asset.contentType,
          cacheControl: IMMUTABLE,
          source: assetSource(asset),
        },
        parent,
      );
    }

    const backend = new gcp.compute.BackendBucket(
      `${name}-backend`,
      {
        name: `${name}-backend`,
        bucketName: bucket.name,
        enableCdn: true,
        cdnPolicy: { cacheMode: 'CACHE_ALL_STATIC', defaultTtl: 3600, maxTtl: 31_536_000, clientTtl: 31_536_000 },
      },
      parent,
    );

    this.bucketName = bucket.name;
    this.backendBucket = backend.selfLink;
    this.objects = Object.values(args.assets).map((asset) => asset.name);
    this.registerOutputs({ bucketName: this.bucketName, backendBucket: this.backendBucket, objects: this.objects });
  }
}

/**
 * Pulumi assets carry text or a file path, never raw bytes: text files go inline, binary ones
 * (PNG logos) through a file named by its content hash, so rewriting it is harmless.
 */
function assetSource(asset: Asset): pulumi.asset.Asset {
  if (!asset.contentType.startsWith('image/png')) return new pulumi.asset.StringAsset(asset.body.toString('utf8'));
  const directory = join(tmpdir(), 'platform-tenant-assets');
  mkdirSync(directory, { recursive: true });
  const path = join(directory, asset.name);
  writeFileSync(path, asset.body);
  return new pulumi.asset.FileAsset(path);
}
