import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import {
  type DesiredState,
  type JobKind,
  Prisma,
  PrismaService,
  type Tenant,
  type TenantPhase,
  type Tier,
} from '@platform/database';
import type { TenantCondition } from './tenant-conditions.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Everything an onboarding writes: the tenant as it must be stored (every column given, so the row
 * equals this object and its view can be answered without reading it back), its first job row,
 * its audit entry and, with an Idempotency-Key, the answer to replay.
 */
export interface Onboarding {
  tenant: Tenant;
  job: { id: string; requestedBy: string };
  audit: { actorId: string; actorName: string; requestId: string; action: string; details: Prisma.InputJsonValue };
  idempotency?: { actorId: string; key: string; requestHash: string; status: number; body: Prisma.InputJsonValue };
}

/** The rows a change writes beside the tenant: its job (for the new generation) and its audit entry. */
export interface ChangeRecords {
  job: { id: string; kind: JobKind; requestedBy: string };
  audit: Onboarding['audit'];
}

export interface TenantChange {
  displayName?: string;
  tier?: Tier;
  branding?: Prisma.InputJsonValue;
  domains?: string[];
  /** null: back to the tier's limits. */
  limits?: Prisma.InputJsonValue | null;
  desiredState?: DesiredState;
  phase: TenantPhase;
}

/**
 * Writes every onboarding of a batch in one statement (see `TenantsRepository.onboard`): $1 is a
 * JSON array of `onboardingRow`s. A statement is atomic: every row commits or none does.
 */
const ONBOARD_STATEMENT = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(
      id uuid, slug text, "displayName" text, tier "Tier", branding jsonb, domains text[], limits jsonb,
      "desiredState" "DesiredState", generation int, "observedGeneration" int, phase "TenantPhase",
      conditions jsonb, "createdAt" timestamptz, "updatedAt" timestamptz, "jobId" text, "requestedBy" text,
      "actorId" text, "actorName" text, "requestId" text, action text, details jsonb,
      "replayActorId" text, "replayKey" text, "requestHash" text, status int, body jsonb)
  ), tenant AS (
    INSERT INTO "Tenant" (id, slug, "displayName", tier, branding, domains, limits, "desiredState", generation,
                          "observedGeneration", phase, conditions, "createdAt", "updatedAt")
    SELECT id, slug, "displayName", tier, branding, domains, limits, "desiredState", generation,
           "observedGeneration", phase, conditions, "createdAt", "updatedAt" FROM input
  ), claimed AS (
    INSERT INTO "TenantDomain" (hostname, "tenantId") SELECT unnest(domains), id FROM input
  ), job AS (
    INSERT INTO "ProvisioningJob" (id, "tenantId", generation, kind, "requestedBy")
    SELECT "jobId", id, generation, 'provision', "requestedBy" FROM input
  ), audit AS (
    INSERT INTO "AuditEvent" ("actorId", "actorName", "requestId", action, "targetType", "targetId", details)
    SELECT "actorId", "actorName", "requestId", action, 'tenant', id::text, details FROM input
  )
  INSERT INTO "IdempotencyRecord" ("actorId", key, "requestHash", status, body)
  SELECT "replayActorId", "replayKey", "requestHash", status, body FROM input WHERE "replayKey" IS NOT NULL`;

function onboardingRow({ tenant, job, audit, idempotency }: Onboarding) {
  return {
    ...tenant,
    jobId: job.id,
    requestedBy: job.requestedBy,
    ...audit,
    replayActorId: idempotency?.actorId ?? null,
    replayKey: idempotency?.key ?? null,
    requestHash: idempotency?.requestHash ?? null,
    status: idempotency?.status ?? null,
    body: idempotency?.body ?? null,
  };
}

@Injectable()
export class TenantsRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByRef(ref: string): Promise<Tenant | null> {
    return this.prisma.tenant.findUnique({ where: UUID_PATTERN.test(ref) ? { id: ref.toLowerCase() } : { slug: ref } });
  }

  findById(tenantId: string): Promise<Tenant | null> {
    return this.prisma.tenant.findUnique({ where: { id: tenantId } });
  }

  findBySlug(slug: string): Promise<Tenant | null> {
    return this.prisma.tenant.findUnique({ where: { slug } });
  }

  async slugExists(slug: string): Promise<boolean> {
    return (await this.prisma.tenant.count({ where: { slug } })) > 0;
  }

  async domainOwners(domains: string[]): Promise<{ hostname: string; tenantId: string }[]> {
    if (domains.length === 0) return [];
    return this.prisma.tenantDomain.findMany({ where: { hostname: { in: domains } } });
  }

  /**
   * One statement, so one round trip and no interactive transaction: under a burst of onboardings
   * a transaction per request held a pooled connection across five round trips and queued the rest
   * (measured with bench:fleet). A statement is atomic, so the writes commit together or not at all;
   * a taken slug, domain or Idempotency-Key fails it with a unique violation.
   *
   * Onboardings that arrive together (in one turn of the event loop, or while the previous batch is
   * being written) share that statement: a burst of 100 costs a few round trips, not 100. When a
   * batch fails, each of its onboardings is written alone, so each gets its own answer.
   */
  onboard(onboarding: Onboarding): Promise<void> {
    return this.onboardings.load(onboarding);
  }

  /** The batch being written; the next one gathers until it is done. */
  private writing: Promise<unknown> = Promise.resolve();

  private readonly onboardings = new DataLoader<Onboarding, void>(
    (batch) => {
      const written = this.writeEach(batch);
      this.writing = written;
      return written;
    },
    {
      cache: false,
      maxBatchSize: 500,
      batchScheduleFn: (flush) => void this.writing.finally(() => setImmediate(flush)),
    },
  );

  private async writeEach(batch: readonly Onboarding[]): Promise<(Error | undefined)[]> {
    try {
      await this.writeOnboardings(batch);
      return batch.map(() => undefined);
    } catch (error) {
      if (batch.length === 1) return [error as Error];
      return Promise.all(
        batch.map((one) =>
          this.writeOnboardings([one]).then(
            () => undefined,
            (alone: Error) => alone,
          ),
        ),
      );
    }
  }

  private async writeOnboardings(batch: readonly Onboarding[]): Promise<void> {
    // Straight to the pool as a named statement: Prisma would compile it on every request.
    await this.prisma.pool.query({
      name: 'tenant-onboard',
      text: ONBOARD_STATEMENT,
      values: [JSON.stringify(batch.map(onboardingRow))],
    });
  }

  /**
   * Applies a change to the generation the caller read, bumps it, and writes the job row and audit
   * entry, in one statement (see `onboard`). Null when the tenant moved to another generation since
   * it was read: the caller re-reads and decides again, so concurrent changes get distinct generations.
   */
  async change(tenant: Tenant, change: TenantChange, records: ChangeRecords): Promise<Tenant | null> {
    const next = tenant.generation + 1;
    const set = [
      Prisma.sql`generation = ${next}`,
      Prisma.sql`phase = ${change.phase}::"TenantPhase"`,
      Prisma.sql`"updatedAt" = ${new Date()}::timestamptz`,
    ];
    if (change.displayName !== undefined) set.push(Prisma.sql`"displayName" = ${change.displayName}`);
    if (change.tier !== undefined) set.push(Prisma.sql`tier = ${change.tier}::"Tier"`);
    if (change.branding !== undefined) set.push(Prisma.sql`branding = ${JSON.stringify(change.branding)}::jsonb`);
    if (change.domains !== undefined) set.push(Prisma.sql`domains = ${change.domains}::text[]`);
    if (change.limits !== undefined) {
      set.push(Prisma.sql`limits = ${change.limits === null ? null : JSON.stringify(change.limits)}::jsonb`);
    }
    if (change.desiredState !== undefined) {
      set.push(Prisma.sql`"desiredState" = ${change.desiredState}::"DesiredState"`);
    }
    // Released and claimed hostnames are disjoint sets, so the two sub-statements never touch the same row.
    const domains = change.domains
      ? Prisma.sql`, released AS (
          DELETE FROM "TenantDomain" d USING changed
          WHERE d."tenantId" = changed.id AND d.hostname <> ALL(${change.domains}::text[])
        ), claimed AS (
          INSERT INTO "TenantDomain" (hostname, "tenantId")
          SELECT hostname, changed.id FROM changed, unnest(${change.domains}::text[]) AS hostname
          WHERE hostname <> ALL(${tenant.domains}::text[])
        )`
      : Prisma.empty;
    const rows = await this.prisma.$queryRaw<Tenant[]>`
      WITH changed AS (
        UPDATE "Tenant" SET ${Prisma.join(set)}
        WHERE id = ${tenant.id}::uuid AND generation = ${tenant.generation}
        RETURNING *
      ), job AS (
        INSERT INTO "ProvisioningJob" (id, "tenantId", generation, kind, "requestedBy")
        SELECT ${records.job.id}, changed.id, ${next}, ${records.job.kind}::"JobKind", ${records.job.requestedBy}
        FROM changed
      ), audit AS (
        INSERT INTO "AuditEvent" ("actorId", "actorName", "requestId", action, "targetType", "targetId", details)
        SELECT ${records.audit.actorId}, ${records.audit.actorName}, ${records.audit.requestId}, ${records.audit.action},
               'tenant', changed.id::text, ${JSON.stringify(records.audit.details)}::jsonb
        FROM changed
      )${domains}
      SELECT * FROM changed`;
    return rows[0] ?? null;
  }

  page(query: { limit: number; cursor?: string; phase?: TenantPhase }): Promise<Tenant[]> {
    return this.prisma.tenant.findMany({
      where: query.phase ? { phase: query.phase } : {},
      orderBy: { id: 'asc' },
      take: query.limit,
      ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
    });
  }

  /** Tenants whose desired state is ahead of what a worker last converged, except those that failed for good. */
  lagging(limit: number): Promise<Pick<Tenant, 'id' | 'generation' | 'desiredState'>[]> {
    return this.prisma.$queryRaw<Pick<Tenant, 'id' | 'generation' | 'desiredState'>[]>`
      SELECT id, generation, "desiredState" FROM "Tenant"
      WHERE "observedGeneration" < generation AND phase <> 'Failed'
      ORDER BY "updatedAt" LIMIT ${limit}`;
  }

  async countByPhase(): Promise<{ phase: TenantPhase; count: number }[]> {
    const groups = await this.prisma.tenant.groupBy({ by: ['phase'], _count: { _all: true } });
    return groups.map((group) => ({ phase: group.phase, count: group._count._all }));
  }

  async markInProgress(tenantId: string, phase: TenantPhase): Promise<void> {
    await this.prisma.tenant.update({ where: { id: tenantId }, data: { phase } });
  }

  /**
   * Records what a worker converged. The generation guard keeps a slow worker from overwriting the
   * outcome of a newer generation; it answers whether the write happened.
   */
  async recordObserved(
    tenantId: string,
    generation: number,
    outcome: { phase: TenantPhase; conditions: TenantCondition[]; observed: boolean },
  ): Promise<boolean> {
    const result = await this.prisma.tenant.updateMany({
      where: { id: tenantId, observedGeneration: { lte: generation }, generation: { gte: generation } },
      data: {
        phase: outcome.phase,
        conditions: outcome.conditions as unknown as Prisma.InputJsonValue,
        ...(outcome.observed ? { observedGeneration: generation } : {}),
      },
    });
    return result.count > 0;
  }

  async releaseDomains(tenantId: string): Promise<void> {
    await this.prisma.tenantDomain.deleteMany({ where: { tenantId } });
  }
}

/** P2002 from a Prisma write; P2010 wraps the same Postgres error (23505) from a raw statement. */
export function isUniqueViolation(error: unknown): boolean {
  if ((error as { code?: unknown } | null)?.code === '23505') return true; // from pg itself (`onboard`)
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === 'P2002') return true;
  const cause = (error.meta?.driverAdapterError as { cause?: { originalCode?: string } } | undefined)?.cause;
  return error.code === 'P2010' && cause?.originalCode === '23505';
}
