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

/** Days a branding file must have existed before the lifecycle rule may delete it once it is no longer current. */
export const RETIRED_ASSET_DAYS = 7;
/** Every branding file is `<role>-<16 hex>.<ext>`; a role with no current file has all its files retired. */
export const ASSET_ROLES = ['theme', 'logo', 'landing', 'suspended'] as const;
// Hex digits of the current hash the rule's prefixes spell out: 4 gives 60 prefixes per role (240 in
// all, within GCS's limits) and leaves a retired file whose hash starts like the current one's (1 in
// 65,536) in place: the scheme can keep a stale file, never delete a current one.
const RETIRED_PREFIX_DEPTH = 4;
const HEX = '0123456789abcdef';

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

    // Rebrands leave the previous files in place (pages and caches still point at them); this rule
    // removes a file once it is no longer current and at least RETIRED_ASSET_DAYS old.
    const bucket = new gcp.storage.Bucket(
      `${name}-bucket`,
      {
        name: args.bucketName,
        location: args.location,
        uniformBucketLevelAccess: true,
        forceDestroy: true,
        labels,
        lifecycleRules: [
          {
            action: { type: 'Delete' },
            condition: {
              age: RETIRED_ASSET_DAYS,
              matchesPrefixes: retiredAssetPrefixes(Object.values(args.assets).map((asset) => asset.name)),
            },
          },
        ],
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

    // A new content hash changes `name`, which Pulumi applies as create-new-then-"delete"-old; the old
    // file is retained (left to the lifecycle rule), so pages never reference a file that is gone.
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
        { parent: this, retainOnDelete: true },
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
 * GCS lifecycle conditions cannot say "not this name", so the rule lists the prefixes of every name
 * that is not current: per role, each hex digit other than the current hash's at each of the first
 * RETIRED_PREFIX_DEPTH positions. No current name starts with any of them.
 */
export function retiredAssetPrefixes(currentNames: string[]): string[] {
  return ASSET_ROLES.flatMap((role) => {
    const current = currentNames.find((assetName) => assetName.startsWith(`${role}-`));
    if (!current) return [`${role}-`];
    const hash = current.slice(role.length + 1);
    return Array.from({ length: RETIRED_PREFIX_DEPTH }, (_, position) =>
      [...HEX].filter((digit) => digit !== hash[position]).map((digit) => `${role}-${hash.slice(0, position)}${digit}`),
    ).flat();
  });
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
