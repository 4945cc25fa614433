import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import type { Route } from '@platform/database';
import { addToLogContext } from '@platform/observability';
import { TenantsRepository } from '@platform/tenancy';
import { RouteCache } from './route-cache.js';
import { RoutesRepository } from './routes.repository.js';
import { subscribeToRouteEvents } from './route-events.js';

export type Resolution =
  | { kind: 'routed'; route: Route }
  | { kind: 'not-ready'; slug: string; displayName: string }
  | { kind: 'platform' }
  | { kind: 'unknown'; hostname: string };

/** Hostnames that lead somewhere (routes, the apex, tenants being set up) kept per edge. */
export const MAX_LIVE_ROUTES = 50_000;
/** Hostnames that lead nowhere kept per edge, apart from the live ones: random Host headers land here. */
export const MAX_UNKNOWN_HOSTS = 10_000;

/** Host header → tenant, from the routing table, cached per edge and dropped when routes change. */
@Injectable()
export class RouteResolver implements OnModuleDestroy {
  private readonly cache: RouteCache<Resolution>;
  private readonly subscriber: Redis;

  constructor(
    private readonly routes: RoutesRepository,
    private readonly tenants: TenantsRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {
    this.cache = new RouteCache({
      ttlMs: config.edge.routeCacheMs,
      maxLive: MAX_LIVE_ROUTES,
      maxUnknown: MAX_UNKNOWN_HOSTS,
      isUnknown: (resolution) => resolution.kind === 'unknown',
      reloadMany: (hostnames) => this.lookupMany(hostnames),
    });
    this.subscriber = subscribeToRouteEvents(config, (hostnames) => {
      for (const hostname of hostnames) this.cache.delete(hostname);
    });
  }

  async resolve(hostHeader: string | undefined): Promise<Resolution> {
    const hostname = normaliseHost(hostHeader);
    const resolution = await this.cache.get(hostname, () => this.lookup(hostname));
    if (resolution.kind === 'routed') addToLogContext({ tenantId: resolution.route.tenantId });
    return resolution;
  }

  /** From this edge's cache only: undefined when the routing table would have to be read first. */
  resolveHeld(hostHeader: string | undefined): Resolution | undefined {
    const hostname = normaliseHost(hostHeader);
    return this.cache.peek(hostname, () => this.lookup(hostname));
  }

  private async lookup(hostname: string): Promise<Resolution> {
    const domain = this.config.platform.domain;
    if (hostname === domain) return { kind: 'platform' };
    const route = await this.routes.findByHostname(hostname);
    if (route) return { kind: 'routed', route };
    const slug = hostname.endsWith(`.${domain}`) ? hostname.slice(0, -domain.length - 1) : null;
    if (!slug || slug.includes('.')) return { kind: 'unknown', hostname };
    const tenant = await this.tenants.findBySlug(slug);
    if (!tenant || tenant.desiredState === 'deleted') return { kind: 'unknown', hostname };
    return { kind: 'not-ready', slug, displayName: tenant.displayName };
  }

  /** The same for many hostnames: one query for their routes, then one lookup each for those without. */
  private async lookupMany(hostnames: string[]): Promise<Map<string, Resolution>> {
    const routes = await this.routes.findByHostnames(hostnames);
    const found = new Map<string, Resolution>(routes.map((route) => [route.hostname, { kind: 'routed', route }]));
    for (const hostname of hostnames) if (!found.has(hostname)) found.set(hostname, await this.lookup(hostname));
    return found;
  }

  onModuleDestroy(): void {
    this.subscriber.disconnect();
  }
}

export function normaliseHost(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  const withoutPort = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return withoutPort.replace(/\.$/, '');
}
