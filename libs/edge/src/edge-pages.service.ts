import { Inject, Injectable } from '@nestjs/common';
import { ASSET_STORE, type AssetStore, renderNotFoundPage, renderNotReadyPage } from '@platform/branding';
import { type Resolution, RouteResolver } from '@platform/routing';
import { type EdgeAnswer, etagMatches, htmlAnswer } from './edge-answer.js';

const RETRY_AFTER_SECONDS = '5';
const IMMUTABLE = 'public, max-age=31536000, immutable';
// Branded pages only ever load their own stylesheet and logo; an SVG opened on its own may run nothing.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'";

/** The tenant's branded pages and assets, as a CDN would serve them. */
@Injectable()
export class EdgePagesService {
  constructor(
    private readonly resolver: RouteResolver,
    @Inject(ASSET_STORE) private readonly assets: AssetStore,
  ) {}

  async landing(host: string | undefined, ifNoneMatch: string | undefined): Promise<EdgeAnswer> {
    const resolution = await this.resolver.resolve(host);
    if (resolution.kind !== 'routed') return this.unrouted(resolution);
    const { route } = resolution;
    const suspended = route.state === 'suspended';
    const page = await this.assets.get(route.tenantId, suspended ? route.suspendedAsset : route.landingAsset);
    if (!page) return htmlAnswer(503, renderNotReadyPage(route.slug), { 'retry-after': RETRY_AFTER_SECONDS });
    const csp = { 'content-security-policy': CONTENT_SECURITY_POLICY };
    if (suspended)
      return {
        status: 503,
        headers: { ...csp, 'content-type': page.contentType, 'cache-control': 'no-store' },
        body: page.body,
      };
    const headers = { ...csp, etag: page.etag, 'cache-control': 'no-cache', 'content-type': page.contentType };
    if (etagMatches(ifNoneMatch, page.etag)) return { status: 304, headers };
    return { status: 200, headers, body: page.body };
  }

  /** Hashed names never change content, so browsers and CDNs may keep them for a year. */
  async asset(host: string | undefined, name: string, ifNoneMatch: string | undefined): Promise<EdgeAnswer> {
    const resolution = await this.resolver.resolve(host);
    if (resolution.kind !== 'routed') return this.unrouted(resolution);
    const asset = await this.assets.get(resolution.route.tenantId, name);
    if (!asset) return htmlAnswer(404, renderNotFoundPage(`${resolution.route.hostname}/assets/${name}`));
    const headers = {
      etag: asset.etag,
      'cache-control': IMMUTABLE,
      'content-type': asset.contentType,
      'content-security-policy': CONTENT_SECURITY_POLICY,
    };
    if (etagMatches(ifNoneMatch, asset.etag)) return { status: 304, headers };
    return { status: 200, headers: { ...headers, 'x-content-type-options': 'nosniff' }, body: asset.body };
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
