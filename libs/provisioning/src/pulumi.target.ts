import { z } from 'zod';
import type { ConditionUpdate, TenantSpec } from '@platform/tenancy';
import { databaseUrlFor, tenantDatabaseNames } from '@platform/database';
import { tenantProgram } from '../../../pulumi/tenant/tenant-program.js';
import { settingsFromPlatformStack } from '../../../pulumi/tenant/tenant-settings.js';
import type { PulumiAutomation, PulumiFn, StackConfig, StackOutputs, TenantStackHandle } from './pulumi-automation.js';
import { PulumiOperationError, PulumiStackLockedError, isStackLocked, summarizePulumiError } from './pulumi.errors.js';
import type { ConvergeResult, ProvisioningTarget } from './provisioning-target.js';

export interface PulumiTargetSettings {
  platformDomain: string;
  /** `<organization>/platform/<stack>`: where GKE, DNS zone, registry and database come from. */
  platformStack: string;
  imageTag: string;
  /** The control plane's database; tenant schema and role names derive from it as on the local target. */
  databaseName: string;
  /** Reconcile state with the cloud before `up`, for drift made outside Pulumi. */
  refresh: boolean;
  /** The platform's own DATABASE_URL: a pooled tenant's URL is the same server and database with its login role. */
  databaseUrl: string;
  /** SILO_DATABASE_URL (or DATABASE_URL): a silo tenant's URL is that server, its own database, its login role. */
  siloDatabaseUrl: string;
}

/** Where the tenant's own credentials come from (made by the tenant-data step). */
export interface TenantCredentialsSource {
  find(tenantId: string): Promise<{ databasePassword: string; tokenSigningKey: string } | null>;
}

/** The stack config keys the tenant program reads (kept in step with pulumi/tenant/tenant-settings.ts). */
export const TENANT_STACK_CONFIG_KEYS = {
  databaseUrl: 'tenantDatabaseUrl',
  tokenSigningKey: 'tenantTokenSigningKey',
  redisPrefix: 'tenantRedisPrefix',
} as const;

/**
 * Pure: the tenant's own credentials as stack config. Its database URL names the tenant's login
 * role where the provisioner made it: for a pooled tenant the platform's server and database, for a
 * silo tenant the silo server and its own database; the server is verified (`sslmode=verify-full`,
 * with the CA the program mounts as DATABASE_CA_CERT_FILE). Its Redis keys all start with `t:<tenantId>:`.
 */
export function tenantStackConfig(
  spec: Pick<TenantSpec, 'tenantId' | 'slug' | 'placement'>,
  credential: { databasePassword: string; tokenSigningKey: string },
  settings: Pick<PulumiTargetSettings, 'databaseUrl' | 'siloDatabaseUrl' | 'databaseName'>,
): StackConfig {
  const url = new URL(
    spec.placement.model === 'silo'
      ? databaseUrlFor(settings.siloDatabaseUrl, spec.placement.database)
      : settings.databaseUrl,
  );
  url.username = tenantDatabaseNames(spec.slug, settings.databaseName).login;
  url.password = credential.databasePassword;
  url.search = '';
  url.searchParams.set('sslmode', 'verify-full');
  return {
    [TENANT_STACK_CONFIG_KEYS.databaseUrl]: { value: url.toString(), secret: true },
    [TENANT_STACK_CONFIG_KEYS.tokenSigningKey]: { value: credential.tokenSigningKey, secret: true },
    [TENANT_STACK_CONFIG_KEYS.redisPrefix]: { value: `t:${spec.tenantId}:`, secret: false },
  };
}

/** Where WorkloadsReady comes from after `up`. */
export interface WorkloadsStatusReader {
  read(namespace: string): Promise<ConditionUpdate>;
}

export const tenantStackName = (slug: string) => `tenant-${slug}`;

// Stack outputs are a boundary: whatever a program version exported is checked, not trusted.
const outputsSchema = z.object({
  url: z.string(),
  namespace: z.string(),
  hostnames: z.array(z.string()),
  cdnBucket: z.string(),
  dnsRecords: z.array(z.string()),
  ipAddress: z.string(),
  customDomainTargets: z.array(z.object({ domain: z.string(), cname: z.string() })),
});
type TenantStackOutputs = z.infer<typeof outputsSchema>;

/**
 * Tenants on GCP + GKE: one Pulumi stack per tenant, driven through the Automation API with the
 * tenant program inline. Outputs end up in the tenant's condition messages; the conditions the
 * tenant-data step reports are superseded by the stack's, which describe where the tenant really runs.
 */
export class PulumiTarget implements ProvisioningTarget {
  readonly name = 'pulumi';

  constructor(
    private readonly automation: PulumiAutomation,
    private readonly workloads: WorkloadsStatusReader,
    private readonly settings: PulumiTargetSettings,
    /**
     * The tenant's schema, roles and routes (a silo tenant's database too): they live in Postgres on
     * both targets (Cloud SQL here), so the local target's database work is reused and the stack adds
     * the cloud.
     */
    private readonly tenantData: ProvisioningTarget,
    private readonly credentials: TenantCredentialsSource,
  ) {}

  async converge(spec: TenantSpec): Promise<ConvergeResult> {
    await this.tenantData.converge(spec);
    const credential = await this.credentials.find(spec.tenantId);
    if (!credential) throw new Error(`Tenant ${spec.slug} has no credentials yet`);
    const stack = await this.automation.selectStack(tenantStackName(spec.slug), this.programFor(spec));
    await stack.setConfig(tenantStackConfig(spec, credential, this.settings));
    if (this.settings.refresh) await this.withLockRecovery(stack, 'refresh', () => stack.refresh());
    const outputs = parseOutputs(stack.name, await this.withLockRecovery(stack, 'up', () => stack.up()));
    const workloads = await this.workloads.read(outputs.namespace);
    return { conditions: [provisionedCondition(stack.name, outputs), dnsCondition(outputs), workloads] };
  }

  async teardown(spec: TenantSpec): Promise<void> {
    const name = tenantStackName(spec.slug);
    // Selecting creates an empty stack if a previous teardown already removed it, so this stays idempotent.
    const stack = await this.automation.selectStack(name, this.programFor(spec));
    await this.withLockRecovery(stack, 'destroy', () => stack.destroy());
    await this.automation.removeStack(name);
    // Last, so traffic has stopped (Ingress and DNS are gone) before the data goes.
    await this.tenantData.teardown(spec);
  }

  private programFor(spec: TenantSpec): PulumiFn {
    const { platformStack, platformDomain, imageTag, databaseName } = this.settings;
    return tenantProgram(spec, () =>
      settingsFromPlatformStack({
        platformStack,
        platformDomain,
        imageTag,
        database: tenantDatabaseNames(spec.slug, databaseName),
      }),
    );
  }

  /**
   * The provisioner holds the tenant's advisory lock for the whole job, so no live job of ours can
   * be updating this stack: a lock found here was left by a worker that died. Cancel it, try once
   * more, and otherwise fail retryably so the job backs off.
   */
  private async withLockRecovery<T>(stack: TenantStackHandle, operation: string, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (!isStackLocked(error)) throw new PulumiOperationError(operation, stack.name, error);
    }
    try {
      await stack.cancel();
    } catch (error) {
      throw new PulumiStackLockedError(stack.name, `cancel failed: ${summarizePulumiError(error)}`);
    }
    try {
      return await action();
    } catch (error) {
      if (isStackLocked(error)) throw new PulumiStackLockedError(stack.name, 'still locked after cancelling it');
      throw new PulumiOperationError(operation, stack.name, error);
    }
  }
}

function parseOutputs(stackName: string, outputs: StackOutputs): TenantStackOutputs {
  const parsed = outputsSchema.safeParse(outputs);
  if (parsed.success) return parsed.data;
  throw new PulumiOperationError('up', stackName, new Error(`unexpected stack outputs: ${parsed.error.message}`));
}

function provisionedCondition(stackName: string, outputs: TenantStackOutputs): ConditionUpdate {
  return {
    type: 'Provisioned',
    status: 'True',
    reason: 'StackUpdated',
    message: `Stack ${stackName} is up to date: namespace ${outputs.namespace}, CDN bucket ${outputs.cdnBucket}, ${outputs.url}`,
  };
}

function dnsCondition(outputs: TenantStackOutputs): ConditionUpdate {
  const records = outputs.dnsRecords.map((record) => `${record} A ${outputs.ipAddress}`);
  const custom = outputs.customDomainTargets.map((target) => `${target.domain} needs CNAME ${target.cname}`);
  return { type: 'DnsReady', status: 'True', reason: 'RecordsPublished', message: [...records, ...custom].join('; ') };
}
