import { Injectable } from '@nestjs/common';
import { DomainError } from '@platform/errors';
import { type ActiveKey, ApiKeyVerifier } from './api-key.verifier.js';
import type { EdgeContext } from './edge-context.js';
import type { TenantCaller } from './tenant-caller.js';
import { tenantScopesOf } from './tenant-scopes.js';
import { TenantTokensService } from './tenant-tokens.service.js';

const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/**
 * Proves the caller holds a live credential of the tenant the edge resolved from the hostname:
 * unknown, revoked or expired credentials are 401; another tenant's valid credential is 403.
 */
@Injectable()
export class TenantCallerAuthenticator {
  constructor(
    private readonly apiKeys: ApiKeyVerifier,
    private readonly tokens: TenantTokensService,
  ) {}

  async authenticate(tenant: EdgeContext, authorization: string | undefined): Promise<TenantCaller> {
    const credential = bearerOf(authorization);
    if (!credential) throw new DomainError('Unauthenticated', 'Send Authorization: Bearer <API key or access token>');
    return JWT_SHAPE.test(credential) ? this.viaJwt(tenant, credential) : this.viaApiKey(tenant, credential);
  }

  /**
   * The caller when an API key this replica checked recently proves it; undefined otherwise (a JWT,
   * an unknown, revoked or foreign key), and `authenticate` then gives the answer.
   */
  heldCaller(tenant: EdgeContext, authorization: string | undefined): TenantCaller | undefined {
    const credential = bearerOf(authorization);
    if (!credential || JWT_SHAPE.test(credential)) return undefined;
    const key = this.apiKeys.heldActiveKeyOf(credential);
    return key && key.tenantId === tenant.tenantId ? apiKeyCaller(tenant, key) : undefined;
  }

  private async viaApiKey(tenant: EdgeContext, secret: string): Promise<TenantCaller> {
    const key = await this.apiKeys.activeKeyOf(secret);
    if (!key) throw new DomainError('Unauthenticated', 'Unknown or revoked API key');
    if (key.tenantId !== tenant.tenantId) throw new DomainError('Forbidden', 'This API key belongs to another tenant');
    return apiKeyCaller(tenant, key);
  }

  private async viaJwt(tenant: EdgeContext, token: string): Promise<TenantCaller> {
    const claims = await this.tokens.verify(token);
    if (!claims) throw new DomainError('Unauthenticated', 'Invalid or expired access token');
    if (claims.tenantId !== tenant.tenantId)
      throw new DomainError('Forbidden', 'This access token belongs to another tenant');
    // Revoking a key also ends the tokens issued for it (within the key cache lifetime).
    const key = await this.apiKeys.activeKeyById(claims.keyId);
    if (!key || key.tenantId !== tenant.tenantId)
      throw new DomainError('Unauthenticated', 'The API key behind this token was revoked');
    // A token never grants more than its key grants now: narrowing the key narrows its tokens.
    const scopes = tenantScopesOf(claims.scopes).filter((scope) => key.scopes.includes(scope));
    return { ...tenant, keyId: claims.keyId, scopes, via: 'jwt' };
  }
}

function apiKeyCaller(tenant: EdgeContext, key: ActiveKey): TenantCaller {
  return {
    tenantId: tenant.tenantId,
    tenantSlug: tenant.tenantSlug,
    keyId: key.keyId,
    scopes: key.scopes,
    via: 'api-key',
  };
}

// RFC 6750 §2.1 b64token; anything else (another scheme, spaces, controls) is no bearer credential.
const BEARER = /^\s*Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i;

export function bearerOf(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization.length > MAX_AUTHORIZATION_LENGTH) return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}

/** Longer than any key or token we issue; a longer header is refused without hashing it. */
const MAX_AUTHORIZATION_LENGTH = 8_192;
