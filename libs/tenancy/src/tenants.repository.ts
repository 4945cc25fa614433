import { Injectable } from '@nestjs/common';
import { type DesiredState, Prisma, PrismaService, type Tenant, type TenantPhase, type Tier } from '@platform/database';
import type { TenantCondition } from './tenant-conditions.js';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface NewTenant {
  slug: string;
  displayName: string;
  tier: Tier;
  branding: Prisma.InputJsonValue;
  domains: string[];
  limits?: Prisma.InputJsonValue;
}

export interface TenantChange {
  displayName?: string;
  tier?: Tier;
  branding?: Prisma.InputJsonValue;
  domains?: string[];
  limits?: Prisma.InputJsonValue | typeof Prisma.DbNull;
  desiredState?: DesiredState;
  phase: TenantPhase;
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

  async create(tx: Prisma.TransactionClient, tenant: NewTenant): Promise<Tenant> {
    const created = await tx.tenant.create({ data: { ...tenant, phase: 'Pending' } });
    await tx.tenantDomain.createMany({ data: tenant.domains.map((hostname) => ({ hostname, tenantId: created.id })) });
    return created;
  }

  /** Applies a change and bumps the generation atomically, so concurrent changes get distinct generations. */
  async change(tx: Prisma.TransactionClient, tenantId: string, change: TenantChange): Promise<Tenant> {
    if (change.domains) {
      await tx.tenantDomain.deleteMany({ where: { tenantId } });
      await tx.tenantDomain.createMany({ data: change.domains.map((hostname) => ({ hostname, tenantId })) });
    }
    return tx.tenant.update({ where: { id: tenantId }, data: { ...change, generation: { increment: 1 } } });
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

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}
