import { Inject, Injectable, Logger } from '@nestjs/common';
import { traced } from '@platform/observability';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService, type Tenant, placementOfRow } from '@platform/database';
import type { ProvisioningJobPayload } from '@platform/queue';
import {
  type ConditionUpdate,
  ProvisioningJobsRepository,
  type TenantSpec,
  TenantsRepository,
  applyConditions,
  type TenantCondition,
  type BrandingSpec,
} from '@platform/tenancy';
import { type ClassifiedFailure, InvalidSpecError, TenantBusyError } from './provisioning.errors.js';
import { PROVISIONING_TARGET, type ProvisioningTarget } from './provisioning-target.js';
import { TenantDatabaseRepository } from './tenant-database.repository.js';

export type RunOutcome = 'converged' | 'superseded';

/** The use case behind every provisioning job: converge the tenant's latest desired state. */
@Injectable()
export class ProvisionTenantService {
  private readonly logger = new Logger(ProvisionTenantService.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly tenants: TenantsRepository,
    private readonly jobs: ProvisioningJobsRepository,
    private readonly locks: TenantDatabaseRepository,
    @Inject(PROVISIONING_TARGET) private readonly target: ProvisioningTarget,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  async run(payload: ProvisioningJobPayload, jobId: string, attempt: number): Promise<RunOutcome> {
    const { tenantId, generation } = payload;
    // The lock lives in this transaction: one job per tenant at a time, released even if we crash.
    return this.prisma.$transaction(
      async (tx) => {
        if (!(await this.locks.tryLockTenant(tx, tenantId))) throw new TenantBusyError(tenantId);
        const tenant = await this.tenants.findById(tenantId);
        if (!tenant) throw new InvalidSpecError(`Tenant ${tenantId} does not exist`);
        if (tenant.observedGeneration >= generation) {
          await this.jobs.markFinished(jobId, { state: 'completed' });
          return 'superseded';
        }
        await this.jobs.markActive(jobId, attempt);
        // Always the latest spec, not the job's generation: an older job simply does newer work.
        const spec = toSpec(tenant);
        await this.converge(tenant, spec);
        await this.jobs.markFinished(jobId, { state: 'completed' });
        return 'converged';
      },
      { timeout: this.config.provisioner.lockMs, maxWait: 10_000 },
    );
  }

  async recordFailure(payload: ProvisioningJobPayload, jobId: string, failure: ClassifiedFailure, final: boolean) {
    const tenant = await this.tenants.findById(payload.tenantId);
    await this.jobs.markFinished(jobId, { state: final ? 'failed' : 'queued', failedReason: failure.message });
    if (!tenant) return;
    const ready: ConditionUpdate = {
      type: 'Ready',
      status: 'False',
      reason: final ? failure.reason : 'Retrying',
      message: final ? failure.message : `Will retry: ${failure.message}`,
    };
    await this.tenants.recordObserved(tenant.id, tenant.generation, {
      phase: final ? 'Failed' : tenant.phase,
      conditions: applyConditions(conditionsOf(tenant), [ready], new Date()),
      observed: false,
    });
    if (final) this.logger.warn(`Tenant ${tenant.slug} failed for good: ${failure.message}`);
  }

  private async converge(tenant: Tenant, spec: TenantSpec): Promise<void> {
    const now = new Date();
    if (spec.state === 'deleted') {
      await this.tenants.markInProgress(tenant.id, 'Deleting');
      await traced(`${this.target.name}.teardown`, () => this.target.teardown(spec), { 'tenant.slug': spec.slug });
      await this.tenants.releaseDomains(tenant.id);
      const gone = (['Provisioned', 'DnsReady', 'WorkloadsReady', 'Ready'] as const).map((type): ConditionUpdate => ({
        type,
        status: 'False',
        reason: 'Deleted',
        message: 'Tenant offboarded',
      }));
      await this.record(tenant, { phase: 'Deleted', conditions: applyConditions(conditionsOf(tenant), gone, now) });
      return;
    }
    await this.tenants.markInProgress(tenant.id, 'Provisioning');
    const result = await traced(`${this.target.name}.converge`, () => this.target.converge(spec), {
      'tenant.slug': spec.slug,
    });
    const suspended = spec.state === 'suspended';
    const ready: ConditionUpdate = suspended
      ? { type: 'Ready', status: 'False', reason: 'Suspended', message: 'Suspended by an operator; data is kept' }
      : { type: 'Ready', status: 'True', reason: 'Converged', message: `Generation ${spec.generation} is live` };
    await this.record(tenant, {
      phase: suspended ? 'Suspended' : 'Ready',
      conditions: applyConditions(conditionsOf(tenant), [...result.conditions, ready], now),
    });
  }

  private async record(tenant: Tenant, outcome: { phase: Tenant['phase']; conditions: TenantCondition[] }) {
    await this.tenants.recordObserved(tenant.id, tenant.generation, { ...outcome, observed: true });
  }
}

export function toSpec(tenant: Tenant): TenantSpec {
  return {
    tenantId: tenant.id,
    slug: tenant.slug,
    displayName: tenant.displayName,
    tier: tenant.tier,
    placement: placementOfRow(tenant),
    branding: tenant.branding as BrandingSpec,
    domains: tenant.domains,
    state: tenant.desiredState,
    generation: tenant.generation,
  };
}

function conditionsOf(tenant: Tenant): TenantCondition[] {
  return tenant.conditions as unknown as TenantCondition[];
}
