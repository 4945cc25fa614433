import { Inject, Injectable } from '@nestjs/common';
import {
  ASSET_STORE,
  type AssetStore,
  PAGE_SECURITY_HEADERS,
  renderNotFoundPage,
  renderNotReadyPage,
} from '@platform/branding';
import { type Resolution, RouteResolver } from '@platform/routing';
import { type EdgeAnswer, etagMatches, htmlAnswer } from './edge-answer.js';

const RETRY_AFTER_SECONDS = '5';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The tenant's branded pages and assets, as a CDN would serve them. */
@Injectable()
export class EdgePagesService {
  constructor(
    private readonly resolver: RouteResolver,
    @Inject(ASSET_STORE) private readonly assets: AssetStore,
  ) {}

  /** Every answer, page or asset, found or not, carries the pages' security headers. */
  async landing(host: string | undefined, ifNoneMatch: string | undefined): Promise<EdgeAnswer> {
    return secured(await this.landingAnswer(host, ifNoneMatch));
  }

  async asset(host: string | undefined, name: string, ifNoneMatch: string | undefined): Promise<EdgeAnswer> {
    return secured(await this.assetAnswer(host, name, ifNoneMatch));
  }

  private async landingAnswer(host: string | undefined, ifNoneMatch: string | undefined): Promise<EdgeAnswer> {
    const resolution = await this.resolver.resolve(host);
    if (resolution.kind !== 'routed') return this.unrouted(resolution);
    const { route } = resolution;
    const suspended = route.state === 'suspended';
    const page = await this.assets.get(route.tenantId, suspended ? route.suspendedAsset : route.landingAsset);
    if (!page) return htmlAnswer(503, renderNotReadyPage(route.slug), { 'retry-after': RETRY_AFTER_SECONDS });
    if (suspended)
      return {
        status: 503,
        headers: { 'content-type': page.contentType, 'cache-control': 'no-store' },
        body: page.body,
      };
    const headers = { etag: page.etag, 'cache-control': 'no-cache', 'content-type': page.contentType };
    if (etagMatches(ifNoneMatch, page.etag)) return { status: 304, headers };
    return { status: 200, headers, body: page.body };
  }

  /** Hashed names never change content, so browsers and CDNs may keep them for a year. */
  private async assetAnswer(
    host: string | undefined,
    name: string,
    ifNoneMatch: string | undefined,
  ): Promise<EdgeAnswer> {
    const resolution = await this.resolver.resolve(host);
    if (resolution.kind !== 'routed') return this.unrouted(resolution);
    const asset = await this.assets.get(resolution.route.tenantId, name);
    if (!asset) return htmlAnswer(404, renderNotFoundPage(`${resolution.route.hostname}/assets/${name}`));
    const headers = { etag: asset.etag, 'cache-control': IMMUTABLE, 'content-type': asset.contentType };
    if (etagMatches(ifNoneMatch, asset.etag)) return { status: 304, headers };
    return { status: 200, headers, body: asset.body };
  }

  private unrouted(resolution: Exclude<Resolution, { kind: 'routed' }>): EdgeAnswer {
    switch (resolution.kind) {
      case 'not-ready':
        return htmlAnswer(503, renderNotReadyPage(resolution.displayName), { 'retry-after': RETRY_AFTER_SECONDS });
      case 'platform':
        return htmlAnswer(404, renderNotFoundPage('the platform apex (tenants live on <slug>.<domain>)'));
      case 'unknown':
        return htmlAnswer(404, renderNotFoundPage(resolution.hostname));
    }
  }
}

function secured(answer: EdgeAnswer): EdgeAnswer {
  return { ...answer, headers: { ...answer.headers, ...PAGE_SECURITY_HEADERS } };
}
