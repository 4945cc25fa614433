import { hkdfSync, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { SignJWT, errors as joseErrors, jwtVerify } from 'jose';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { DomainError } from '@platform/errors';
import { ApiKeyVerifier } from './api-key.verifier.js';
import type { EdgeContext } from './edge-context.js';
import { narrowedScopesOf } from './tenant-scopes.js';

export const TOKEN_ISSUER = 'platform-edge';

export interface AccessToken {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** RFC 6749 §5.1: the scopes granted, space-separated. */
  scope: string;
}

export interface TenantTokenClaims {
  keyId: string;
  tenantId: string;
  scopes: string[];
}

/** Short-lived HS256 JWTs a tenant trades its API key for; workloads verify them without Postgres. */
@Injectable()
export class TenantTokensService {
  private readonly key: Uint8Array;
  private readonly ttlSeconds: number;

  constructor(
    private readonly apiKeys: ApiKeyVerifier,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.key = tenantJwtKeyOf(config.tenantAuth.jwtSecret);
    this.ttlSeconds = config.tenantAuth.jwtTtlSeconds;
  }

  /**
   * The key must belong to the tenant whose hostname was called. `scope` (space-separated) narrows
   * the token to part of what the key grants; without it the token grants all of it.
   */
  async issue(tenant: EdgeContext, apiKey: string, scope?: string): Promise<AccessToken> {
    const key = await this.apiKeys.activeKeyOf(apiKey);
    if (!key) throw new DomainError('Unauthenticated', 'Unknown or revoked API key');
    if (key.tenantId !== tenant.tenantId) throw new DomainError('Forbidden', 'This API key belongs to another tenant');
    const scopes = narrowedScopesOf(key.scopes, scope);
    const accessToken = await new SignJWT({ tenant_id: tenant.tenantId, scopes })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(key.keyId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(this.key);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: this.ttlSeconds, scope: scopes.join(' ') };
  }

  /** Null for anything not signed by us, expired, or missing a claim. */
  async verify(token: string): Promise<TenantTokenClaims | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'tenant_id'],
      });
      const { sub, tenant_id: tenantId, scopes } = payload;
      if (typeof sub !== 'string' || typeof tenantId !== 'string' || !isStringArray(scopes)) return null;
      return { keyId: sub, tenantId, scopes };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }
}

/** A separate derived key, so a JWT signature can never double as an edge-header signature. */
export function tenantJwtKeyOf(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, '', 'tenant-jwt/hs256', 32));
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
