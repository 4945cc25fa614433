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

  async hostnamesOf(tx: Prisma.TransactionClient, tenantId: string): Promise<string[]> {
    const rows = await tx.route.findMany({ where: { tenantId }, select: { hostname: true } });
    return rows.map((row) => row.hostname);
  }

  /** Makes the tenant's routes exactly `routes`; answers every hostname whose route changed or went away. */
  async replaceForTenant(tx: Prisma.TransactionClient, tenantId: string, routes: DesiredRoute[]): Promise<string[]> {
    const previous = await this.hostnamesOf(tx, tenantId);
    const wanted = new Set(routes.map((route) => route.hostname));
    await tx.route.deleteMany({ where: { tenantId, hostname: { notIn: [...wanted] } } });
    for (const route of routes) {
      await tx.route.upsert({
        where: { hostname: route.hostname },
        create: { ...route, tenantId },
        update: { ...route, tenantId },
      });
    }
    return [...new Set([...previous, ...wanted])];
  }

  async removeForTenant(tx: Prisma.TransactionClient, tenantId: string): Promise<string[]> {
    const previous = await this.hostnamesOf(tx, tenantId);
    await tx.route.deleteMany({ where: { tenantId } });
    return previous;
  }
}
