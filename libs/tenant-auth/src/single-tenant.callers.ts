import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { errors as joseErrors, jwtVerify } from 'jose';
import { FreshCache } from '@platform/cache';
import { PLATFORM_CONFIG, type PlatformConfig, type SingleTenant } from '@platform/config';
import { TenantSqlService } from '@platform/database';
import { DomainError } from '@platform/errors';
import { addToLogContext } from '@platform/observability';
import { hashSecret } from '@platform/secrets';
import { KEY_CACHE_MS } from './api-key.verifier.js';
import { bearerOf } from './bearer.js';
import type { TenantCaller } from './tenant-caller.js';
import { TOKEN_ISSUER } from './token-issuer.js';
import { tenantScopesOf } from './tenant-scopes.js';
import type { ActiveKey } from './api-key.verifier.js';
import { KEY_MIRROR_TABLE } from './tenant-key-mirror.repository.js';

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const CACHE_OPTIONS = { ttlMs: KEY_CACHE_MS, refreshAheadMs: 1_000, maxEntries: 10_000 };

interface KeyRow {
  id: string;
  scopes: string[];
  revoked: boolean;
}

/**
 * `TENANT_MODE=single`: a tenant's own workloads (on GKE, no edge in front) serve TENANT_ID only
 * and check callers themselves: an API key by its hash, or a JWT signed with the tenant's own key,
 * against the key copy in the tenant's schema (read with the tenant's own login role). Anything
 * else, including another tenant's key or token, is 401: it is simply not a credential here.
 */
@Injectable()
export class SingleTenantCallers {
  readonly tenant?: SingleTenant;
  private readonly jwtKey?: Uint8Array;
  private readonly byHash = new FreshCache<KeyRow>({
    ...CACHE_OPTIONS,
    load: (hashes) => this.loadBy('key_hash', hashes),
  });
  private readonly byId = new FreshCache<KeyRow>({ ...CACHE_OPTIONS, load: (ids) => this.loadBy('id', ids) });

  constructor(
    private readonly sql: TenantSqlService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.tenant = config.tenancy.single;
    if (this.tenant) this.jwtKey = new Uint8Array(Buffer.from(this.tenant.tokenSigningKey, 'base64url'));
  }

  get active(): boolean {
    return this.tenant !== undefined;
  }

  async callerOf(headers: IncomingHttpHeaders): Promise<TenantCaller> {
    const tenant = this.tenant!;
    addToLogContext({ tenantId: tenant.tenantId });
    const credential = bearerOf(headers.authorization);
    if (!credential) throw new DomainError('Unauthenticated', 'Send Authorization: Bearer <API key or access token>');
    if (JWT_SHAPE.test(credential)) return this.viaJwt(credential);
    const hash = hashSecret(credential);
    const key = await this.byHash.get(hash);
    if (!key || key.revoked) throw new DomainError('Unauthenticated', 'Unknown or revoked API key');
    return this.callerFor(key, 'api-key');
  }

  /** A tenant's own edge, issuing a token: the key as the tenant's schema has it; null when unknown or revoked. */
  async activeKeyOf(secret: string): Promise<ActiveKey | null> {
    const hash = hashSecret(secret);
    const key = await this.byHash.get(hash);
    if (!key || key.revoked) return null;
    return { keyId: key.id, tenantId: this.tenant!.tenantId, scopes: tenantScopesOf(key.scopes) };
  }

  /** The caller when an API key checked in the last few seconds proves it; undefined otherwise. */
  heldCallerOf(headers: IncomingHttpHeaders): TenantCaller | undefined {
    const credential = bearerOf(headers.authorization);
    if (!credential || JWT_SHAPE.test(credential)) return undefined;
    const hash = hashSecret(credential);
    const key = this.byHash.peek(hash);
    return key && !key.revoked ? this.callerFor(key, 'api-key') : undefined;
  }

  private async viaJwt(token: string): Promise<TenantCaller> {
    const tenant = this.tenant!;
    let keyId: string;
    let claimed: unknown;
    try {
      const { payload } = await jwtVerify(token, this.jwtKey!, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'tenant_id'],
      });
      if (payload.tenant_id !== tenant.tenantId || typeof payload.sub !== 'string') throw new joseErrors.JWTInvalid('');
      keyId = payload.sub;
      claimed = payload.scopes;
    } catch (error) {
      if (error instanceof joseErrors.JOSEError)
        throw new DomainError('Unauthenticated', 'Invalid or expired access token');
      throw error;
    }
    if (!/^[0-9a-f-]{36}$/i.test(keyId)) throw new DomainError('Unauthenticated', 'Invalid or expired access token');
    const key = await this.byId.get(keyId.toLowerCase());
    if (!key || key.revoked) throw new DomainError('Unauthenticated', 'The API key behind this token was revoked');
    // A token grants what it was narrowed to at the token endpoint, and never more than its key grants now.
    const caller = this.callerFor(key, 'jwt');
    const granted: string[] = Array.isArray(claimed)
      ? tenantScopesOf(claimed.filter((scope) => typeof scope === 'string'))
      : [];
    return { ...caller, scopes: caller.scopes.filter((scope) => granted.includes(scope)) };
  }

  private callerFor(key: KeyRow, via: TenantCaller['via']): TenantCaller {
    const { tenantId, tenantSlug } = this.tenant!;
    return { tenantId, tenantSlug, keyId: key.id, scopes: tenantScopesOf(key.scopes), via };
  }

  /**
   * Read as the tenant's role, in its schema: the only keys this workload can see are its tenant's.
   * Answers the keys found, by `column`.
   */
  private async loadBy(column: 'key_hash' | 'id', values: string[]): Promise<Map<string, KeyRow>> {
    const { tenantId, tenantSlug } = this.tenant!;
    const { rows } = await this.sql.run({ tenantId, tenantSlug }, (client) =>
      client.query<KeyRow & { found_by: string }>(
        `SELECT ${column}::text AS found_by, id, scopes, revoked_at IS NOT NULL AS revoked
           FROM ${KEY_MIRROR_TABLE} WHERE ${column} = ANY($1::${column === 'id' ? 'uuid' : 'text'}[])`,
        [values],
      ),
    );
    return new Map(rows.map(({ found_by, ...key }) => [found_by, key]));
  }
}
