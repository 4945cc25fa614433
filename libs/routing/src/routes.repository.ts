import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService, type Route, type RouteState } from '@platform/database';

export interface DesiredRoute {
  hostname: string;
  slug: string;
  state: RouteState;
  landingAsset: string;
  suspendedAsset: string;
}

@Injectable()
export class RoutesRepository {
  constructor(private readonly prisma: PrismaService) {}

  findByHostname(hostname: string): Promise<Route | null> {
    return this.prisma.route.findUnique({ where: { hostname } });
  }

  findByHostnames(hostnames: string[]): Promise<Route[]> {
    return this.prisma.route.findMany({ where: { hostname: { in: hostnames } } });
  }

  async hostnamesOf(tx: Prisma.TransactionClient, tenantId: string): Promise<string[]> {
    const rows = await tx.route.findMany({ where: { tenantId }, select: { hostname: true } });
    return rows.map((row) => row.hostname);
  }

  /**
   * Makes the tenant's routes exactly `routes`, except hostnames it no longer owns: its platform
   * hostname is its own by its slug; any other one only while the tenant's domain row names it. A job
   * working from an older spec would otherwise route a domain that was moved to another tenant since.
   * The domain rows are locked (FOR SHARE) until the transaction ends, so no change of owner commits
   * in between. Answers every hostname whose route changed or went away, and the ones not written.
   */
  async replaceForTenant(
    tx: Prisma.TransactionClient,
    tenantId: string,
    routes: DesiredRoute[],
    platformHostname: string,
  ): Promise<{ changed: string[]; notOwned: string[] }> {
    const owned = await this.ownedDomains(
      tx,
      tenantId,
      routes.map((route) => route.hostname).filter((hostname) => hostname !== platformHostname),
    );
    const writable = routes.filter((route) => route.hostname === platformHostname || owned.has(route.hostname));
    const previous = await this.hostnamesOf(tx, tenantId);
    const wanted = new Set(writable.map((route) => route.hostname));
    await tx.route.deleteMany({ where: { tenantId, hostname: { notIn: [...wanted] } } });
    for (const route of writable) {
      await tx.route.upsert({
        where: { hostname: route.hostname },
        create: { ...route, tenantId },
        update: { ...route, tenantId },
      });
    }
    return {
      changed: [...new Set([...previous, ...wanted])],
      notOwned: routes.map((route) => route.hostname).filter((hostname) => !wanted.has(hostname)),
    };
  }

  private async ownedDomains(
    tx: Prisma.TransactionClient,
    tenantId: string,
    hostnames: string[],
  ): Promise<Set<string>> {
    if (hostnames.length === 0) return new Set();
    const rows = await tx.$queryRaw<{ hostname: string }[]>`
      SELECT hostname FROM "TenantDomain"
      WHERE "tenantId" = ${tenantId}::uuid AND hostname = ANY(${hostnames}::text[])
      FOR SHARE`;
    return new Set(rows.map((row) => row.hostname));
  }

  async removeForTenant(tx: Prisma.TransactionClient, tenantId: string): Promise<string[]> {
    const previous = await this.hostnamesOf(tx, tenantId);
    await tx.route.deleteMany({ where: { tenantId } });
    return previous;
  }
}
