import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { validateLogo } from '@platform/branding';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import {
  type DesiredState,
  IDEMPOTENCY_KEY,
  IdempotencyRecordsRepository,
  type Prisma,
  type Tenant,
  type TenantPhase,
  type Tier,
  databaseNameOf,
  placementForTier,
  placementOf,
} from '@platform/database';
import { DomainError } from '@platform/errors';
import { ZodPipe } from '@platform/http-api';
import type { Operator } from '@platform/operator-auth';
import { ProvisioningQueue, provisioningJobId } from '@platform/queue';
import { ProvisioningJobsRepository } from './provisioning-jobs.repository.js';
import type { BrandingSpec, CreateTenantInput, PatchTenantInput } from './tenant-spec.js';
import { type JobView, type TenantView, toJobView, toTenantView } from './tenant.view.js';
import { type TenantChange, TenantsRepository, isUniqueViolation } from './tenants.repository.js';

export const TENANT_PHASES = [
  'Pending',
  'Provisioning',
  'Ready',
  'Failed',
  'Suspended',
  'Deleting',
  'Deleted',
] as const satisfies readonly TenantPhase[];

export const listTenantsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.uuid().optional(),
    phase: z.enum(TENANT_PHASES).optional(),
  })
  .strict();
export type ListTenantsQuery = z.infer<typeof listTenantsQuerySchema>;

export const idempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY, 'must be 1-200 visible ASCII characters')
  .optional();

// Enough for any realistic pile-up of concurrent changes to one tenant; past it the caller retries.
const MAX_CHANGE_ATTEMPTS = 5;

export interface TenantPage {
  items: TenantView[];
  nextCursor: string | null;
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly jobs: ProvisioningJobsRepository,
    private readonly idempotency: IdempotencyRecordsRepository,
    private readonly queue: ProvisioningQueue,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /**
   * The happy path is one statement: the checks that need Postgres (replayed key, taken slug or
   * domain) run only when that statement hits a unique violation, and answer why.
   */
  async create(operator: Operator, input: CreateTenantInput, rawIdempotencyKey?: string): Promise<TenantView> {
    const idempotencyKey = new ZodPipe(idempotencyKeySchema, 'Idempotency-Key header').transform(rawIdempotencyKey);
    const requestHash = createHash('sha256').update(canonicalJson(input)).digest('hex');
    const domains = input.domains ?? [];
    this.checkBranding(input.branding);
    this.checkDomainsOffPlatform(domains);

    const tenant = newTenant(input, domains, databaseNameOf(this.config.database.url));
    const view = toTenantView(tenant, this.config.platform);
    try {
      await this.tenants.onboard({
        tenant,
        job: { id: provisioningJobId(tenant.id, tenant.generation), requestedBy: operator.name },
        audit: this.auditEntry(operator, 'tenant.create', tenant.generation, {
          slug: input.slug,
          tier: input.tier,
          domains,
          limits: input.limits ?? null,
        }),
        idempotency: idempotencyKey
          ? {
              actorId: operator.id,
              key: idempotencyKey,
              requestHash,
              status: 202,
              body: view as unknown as Prisma.InputJsonValue,
            }
          : undefined,
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A replay, or a race lost to a request with the same key, slug or domain that committed first.
      if (idempotencyKey) {
        const replay = await this.replay(operator, idempotencyKey, requestHash);
        if (replay) return replay;
      }
      if (await this.tenants.slugExists(input.slug)) throw slugTaken(input.slug);
      await this.checkDomainsFree(domains);
      throw error;
    }
    // Answered once committed: the job reaches Redis within the coalescing window, and should it not
    // (Redis down), the reconciler enqueues it. Waiting for Redis cost a burst of 100 about 50 ms.
    void this.queue.enqueue('provision', tenant.id, tenant.generation);
    return view;
  }

  async list(query: ListTenantsQuery): Promise<TenantPage> {
    const rows = await this.tenants.page({ limit: query.limit + 1, cursor: query.cursor, phase: query.phase });
    const items = rows.slice(0, query.limit).map((tenant) => toTenantView(tenant, this.config.platform));
    return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
  }

  async get(ref: string): Promise<TenantView> {
    return toTenantView(await this.find(ref), this.config.platform);
  }

  async update(operator: Operator, ref: string, patch: PatchTenantInput): Promise<TenantView> {
    const tenant = this.requireLive(await this.find(ref));
    // The tier it already has moves nothing, even for a tenant whose placement predates the tier rule.
    if (patch.tier && patch.tier !== tenant.tier) checkPlacementKept(tenant, patch.tier);
    if (patch.branding) this.checkBranding(patch.branding);
    if (patch.domains) {
      this.checkDomainsOffPlatform(patch.domains);
      await this.checkDomainsFree(patch.domains, tenant.id);
    }
    const changeOf = (current: Tenant): TenantChange => ({
      ...patch,
      branding: patch.branding as Prisma.InputJsonValue | undefined,
      phase: this.requireLive(current).desiredState === 'suspended' ? current.phase : 'Pending',
    });
    return this.applyChange(operator, tenant, changeOf, 'tenant.update', patch as Prisma.InputJsonValue);
  }

  suspend(operator: Operator, ref: string): Promise<TenantView> {
    return this.changeDesiredState(operator, ref, 'suspended', 'tenant.suspend');
  }

  resume(operator: Operator, ref: string): Promise<TenantView> {
    return this.changeDesiredState(operator, ref, 'active', 'tenant.resume');
  }

  async offboard(operator: Operator, ref: string): Promise<TenantView> {
    const changeOf = (current: Tenant): TenantChange | null =>
      current.desiredState === 'deleted' ? null : { desiredState: 'deleted', phase: 'Deleting' };
    return this.applyChange(operator, await this.find(ref), changeOf, 'tenant.delete');
  }

  async jobsOf(ref: string): Promise<{ items: JobView[] }> {
    const tenant = await this.find(ref);
    return { items: (await this.jobs.listForTenant(tenant.id, 100)).map(toJobView) };
  }

  async job(jobId: string): Promise<JobView> {
    const job = await this.jobs.findById(jobId);
    if (!job) throw new DomainError('JobNotFound', `No provisioning job ${jobId}`);
    return toJobView(job);
  }

  async find(ref: string): Promise<Tenant> {
    const tenant = await this.tenants.findByRef(ref);
    if (!tenant) throw new DomainError('TenantNotFound', `No tenant with id or slug "${ref}"`);
    return tenant;
  }

  requireLive(tenant: Tenant): Tenant {
    if (tenant.desiredState === 'deleted') {
      throw new DomainError('TenantDeleted', `Tenant ${tenant.slug} is being or has been offboarded`);
    }
    return tenant;
  }

  private async changeDesiredState(
    operator: Operator,
    ref: string,
    desiredState: DesiredState,
    action: string,
  ): Promise<TenantView> {
    const changeOf = (current: Tenant): TenantChange | null =>
      this.requireLive(current).desiredState === desiredState ? null : { desiredState, phase: 'Pending' };
    return this.applyChange(operator, this.requireLive(await this.find(ref)), changeOf, action);
  }

  /**
   * `changeOf` decides the change from the tenant as read (null: nothing to do). When another change
   * committed in between, the tenant is read again and the change decided again.
   */
  private async applyChange(
    operator: Operator,
    tenant: Tenant,
    changeOf: (current: Tenant) => TenantChange | null,
    action: string,
    details?: Prisma.InputJsonValue,
  ): Promise<TenantView> {
    let current = tenant;
    for (let attempt = 1; ; attempt++) {
      const change = changeOf(current);
      if (!change) return toTenantView(current, this.config.platform);
      const generation = current.generation + 1;
      const kind = (change.desiredState ?? current.desiredState) === 'deleted' ? 'deprovision' : 'provision';
      const changed = await this.tenants
        .change(current, change, {
          job: { id: provisioningJobId(current.id, generation), kind, requestedBy: operator.name },
          audit: this.auditEntry(operator, action, generation, details),
        })
        .catch(async (error: unknown) => {
          if (isUniqueViolation(error) && change.domains) await this.checkDomainsFree(change.domains, current.id);
          throw error;
        });
      if (changed) {
        void this.queue.enqueue(kind, changed.id, changed.generation);
        return toTenantView(changed, this.config.platform);
      }
      if (attempt >= MAX_CHANGE_ATTEMPTS) {
        throw new DomainError('InvalidTransition', `Tenant ${current.slug} kept changing; retry the request`);
      }
      current = await this.find(current.id);
    }
  }

  private auditEntry(operator: Operator, action: string, generation: number, details?: Prisma.InputJsonValue) {
    return {
      actorId: operator.id,
      actorName: operator.name,
      requestId: operator.requestId,
      action,
      details: {
        generation,
        ...(details && typeof details === 'object' && !Array.isArray(details)
          ? stripLogo(details as Prisma.InputJsonObject)
          : {}),
      },
    };
  }

  private async replay(operator: Operator, key: string, requestHash: string): Promise<TenantView | null> {
    const record = await this.idempotency.find(operator.id, key);
    if (!record) return null;
    if (record.requestHash !== requestHash) {
      throw new DomainError(
        'IdempotencyKeyReused',
        'This Idempotency-Key was already used with a different request body',
        { idempotencyKey: key },
      );
    }
    return record.body as unknown as TenantView;
  }

  private checkBranding(branding: BrandingSpec): void {
    if (branding.logo) validateLogo(branding.logo);
  }

  private checkDomainsOffPlatform(domains: string[]): void {
    const platformDomain = this.config.platform.domain;
    const onPlatform = domains.filter((domain) => domain === platformDomain || domain.endsWith(`.${platformDomain}`));
    if (onPlatform.length) {
      throw new DomainError('ValidationFailed', 'Custom domains must be outside the platform domain', {
        domains: onPlatform,
        platformDomain,
      });
    }
  }

  private async checkDomainsFree(domains: string[], ownTenantId?: string): Promise<void> {
    const taken = (await this.tenants.domainOwners(domains)).filter((owner) => owner.tenantId !== ownTenantId);
    if (taken.length) {
      throw new DomainError('DomainTaken', 'A domain is already used by another tenant', {
        domains: taken.map((owner) => owner.hostname),
      });
    }
  }
}

/** A new tenant row, every column set here so that what is stored is exactly what the view shows. */
function newTenant(input: CreateTenantInput, domains: string[], databaseName: string): Tenant {
  const now = new Date();
  const placement = placementOf(input.tier, input.slug, databaseName);
  return {
    id: randomUUID(),
    slug: input.slug,
    displayName: input.displayName,
    tier: input.tier,
    placement: placement.model,
    siloDatabase: placement.model === 'silo' ? placement.database : null,
    branding: input.branding as Prisma.JsonValue,
    domains,
    limits: input.limits ?? null,
    desiredState: 'active',
    generation: 1,
    observedGeneration: 0,
    phase: 'Pending',
    conditions: [],
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A tenant's placement is decided at onboarding and never moves: moving its data between the pooled
 * database and a database of its own is not built, so a tier change across the two is refused whole.
 */
function checkPlacementKept(tenant: Tenant, tier: Tier): void {
  const wanted = placementForTier(tier);
  if (wanted === tenant.placement) return;
  throw new DomainError(
    'PlacementChangeRefused',
    `Tier ${tier} places a tenant's data ${describePlacement(wanted)}, but ${tenant.slug}'s data is ${describePlacement(tenant.placement)}; ` +
      'moving data between placements is not supported yet: offboard the tenant and onboard it again with the new tier',
    { tier: tenant.tier, requestedTier: tier, placement: tenant.placement, requiredPlacement: wanted },
  );
}

function describePlacement(placement: Tenant['placement']): string {
  return placement === 'silo' ? 'in a database of its own (silo)' : 'in the pooled database';
}

function slugTaken(slug: string): DomainError {
  return new DomainError('SlugTaken', `The slug "${slug}" is already taken`, { slug });
}

function stripLogo(details: Prisma.InputJsonObject): Prisma.InputJsonObject {
  const branding = details.branding as { logo?: unknown } | undefined;
  if (!branding?.logo) return details;
  return { ...details, branding: { ...branding, logo: '(logo updated)' } };
}

/** Key order must not change the hash of an idempotent request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
