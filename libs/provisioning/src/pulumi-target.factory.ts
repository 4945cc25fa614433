import { ConfigError, type PlatformConfig } from '@platform/config';
import { databaseNameOf } from '@platform/database';
import { KubernetesWorkloadsReader } from './kubernetes-workloads.reader.js';
import { requirePulumiCli } from './pulumi-cli.js';
import { LocalPulumiAutomation } from './pulumi-automation.js';
import { PulumiTarget, type TenantCredentialsSource } from './pulumi.target.js';
import type { ProvisioningTarget } from './provisioning-target.js';

// `pulumi up` for a tenant takes minutes (certificates, Cloud SQL users, rollouts); the tenant's
// advisory lock and BullMQ's job lock must outlast it, or a second worker would cancel a live update.
const MIN_LOCK_MS = 30 * 60 * 1000;

function pulumiProblems(config: PlatformConfig): string[] {
  const { pulumi, provisioner } = config;
  return [
    !pulumi.backendUrl && 'PULUMI_BACKEND_URL: required with PROVISIONING_TARGET=pulumi (e.g. gs://<bucket>/tenants)',
    !pulumi.passphrase &&
      !pulumi.secretsProvider &&
      'PULUMI_CONFIG_PASSPHRASE or PULUMI_SECRETS_PROVIDER: one is required with PROVISIONING_TARGET=pulumi',
    !pulumi.platformStack &&
      'PULUMI_PLATFORM_STACK: required with PROVISIONING_TARGET=pulumi (e.g. organization/platform/prod)',
    !pulumi.imageTag && "PULUMI_IMAGE_TAG: required with PROVISIONING_TARGET=pulumi (the workloads' image tag)",
    provisioner.lockMs < MIN_LOCK_MS &&
      `PROVISIONER_LOCK_MS: must be at least ${MIN_LOCK_MS} with PROVISIONING_TARGET=pulumi`,
  ].filter((problem): problem is string => Boolean(problem));
}

/** Builds the pulumi target, or stops the boot naming what is missing: the CLI first, then every bad setting. */
export function createPulumiTarget(
  config: PlatformConfig,
  tenantData: ProvisioningTarget,
  credentials: TenantCredentialsSource,
): PulumiTarget {
  requirePulumiCli();
  const problems = pulumiProblems(config);
  if (problems.length > 0) throw new ConfigError(problems);
  const { pulumi } = config;
  const automation = new LocalPulumiAutomation({
    projectName: 'tenant',
    backendUrl: pulumi.backendUrl ?? '',
    passphrase: pulumi.passphrase,
    secretsProvider: pulumi.secretsProvider,
  });
  return new PulumiTarget(
    automation,
    KubernetesWorkloadsReader.fromDefaultKubeconfig(config.kubernetes.context),
    {
      platformDomain: config.platform.domain,
      platformStack: pulumi.platformStack ?? '',
      imageTag: pulumi.imageTag ?? '',
      databaseName: databaseNameOf(config.database.url),
      refresh: pulumi.refresh,
      databaseUrl: config.database.url,
      siloDatabaseUrl: config.siloDatabase.url,
    },
    tenantData,
    credentials,
  );
}
