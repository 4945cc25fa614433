import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { isDomainError } from '@platform/errors';
import { RouteResolver } from '@platform/routing';
import { type AccessToken, TenantTokensService, bearerOf } from '@platform/tenant-auth';
import { type EdgeAnswer, jsonAnswer } from './edge-answer.js';

const MAX_TOKEN_BODY_BYTES = 4_096;

export interface TokenRequest {
  host: string | undefined;
  authorization: string | undefined;
  contentType: string | undefined;
  body: IncomingMessage;
}

/** The error codes of RFC 6749 §5.2 this endpoint answers. */
export type OAuthErrorCode = 'invalid_request' | 'invalid_client' | 'unsupported_grant_type' | 'invalid_scope';

/** A token request refused the way OAuth2 clients expect (RFC 6749 §5.2). */
class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    message: string,
    readonly challenge?: string,
  ) {
    super(message);
  }

  toAnswer(): EdgeAnswer {
    const status = this.code === 'invalid_client' ? 401 : 400;
    // `error_description` is RFC 6749's; `message` keeps the platform's error shape for the same text.
    const body = { error: this.code, error_description: this.message, message: this.message };
    return jsonAnswer(status, body, this.challenge ? { 'www-authenticate': this.challenge, pragma: 'no-cache' } : {});
  }
}

interface ClientCredential {
  secret: string;
  /** The challenge a refusal answers with: the scheme the client authenticated with (RFC 6749 §5.2). */
  challenge: string;
}

const BASIC_CHALLENGE = 'Basic realm="token", charset="UTF-8"';
const BEARER_CHALLENGE = 'Bearer realm="token"';

/**
 * `POST /api/auth/token` on a tenant's hostname: the tenant's API key (Bearer, HTTP Basic client
 * secret, or OAuth2 client-credentials form) buys a short-lived JWT for that tenant only. Every
 * refusal is an RFC 6749 §5.2 error body.
 */
@Injectable()
export class EdgeTokensService {
  constructor(
    private readonly resolver: RouteResolver,
    private readonly tokens: TenantTokensService,
  ) {}

  async issue(request: TokenRequest): Promise<EdgeAnswer> {
    const resolution = await this.resolver.resolve(request.host);
    if (resolution.kind !== 'routed' || resolution.route.state === 'suspended') {
      return jsonAnswer(404, { error: 'TenantNotFound', message: 'No active tenant is served on this host' });
    }
    const tenant = { tenantId: resolution.route.tenantId, tenantSlug: resolution.route.slug };
    try {
      const form = await formOf(request);
      const grantType = form.get('grant_type');
      // A bare `Authorization: Bearer <key>` with no body is accepted as client credentials too.
      if (grantType !== null && grantType !== 'client_credentials') {
        throw new OAuthError('unsupported_grant_type', 'grant_type must be client_credentials');
      }
      const credential = credentialOf(request.authorization, form);
      const token: AccessToken = await this.tokens
        .issue(tenant, credential.secret, form.get('scope') ?? undefined)
        .catch((error: unknown) => {
          throw oauthErrorOf(error, credential.challenge);
        });
      return jsonAnswer(200, token, { pragma: 'no-cache' });
    } catch (error) {
      if (error instanceof OAuthError) return error.toAnswer();
      throw error;
    }
  }
}

/** The key service's refusals in OAuth2 terms; anything else (a database outage) is not the client's fault. */
function oauthErrorOf(error: unknown, challenge: string): unknown {
  if (!isDomainError(error)) return error;
  switch (error.code) {
    case 'Unauthenticated':
    case 'Forbidden':
      // Another tenant's key is no client of this tenant's token endpoint.
      return new OAuthError('invalid_client', error.message, challenge);
    case 'InsufficientScope':
      return new OAuthError('invalid_scope', error.message);
    case 'ValidationFailed':
      return new OAuthError('invalid_request', error.message);
    default:
      return error;
  }
}

function credentialOf(authorization: string | undefined, form: URLSearchParams): ClientCredential {
  if (authorization !== undefined && /^\s*basic(\s|$)/i.test(authorization)) {
    const secret = basicSecretOf(authorization);
    if (!secret) throw new OAuthError('invalid_client', 'Malformed HTTP Basic credential', BASIC_CHALLENGE);
    return { secret, challenge: BASIC_CHALLENGE };
  }
  const bearer = bearerOf(authorization);
  if (bearer) return { secret: bearer, challenge: BEARER_CHALLENGE };
  if (authorization !== undefined) {
    throw new OAuthError(
      'invalid_client',
      'Authorization must be Bearer <key> or Basic client credentials',
      BEARER_CHALLENGE,
    );
  }
  const secret = form.get('client_secret');
  if (!secret) {
    throw new OAuthError(
      'invalid_client',
      'Send the API key as Authorization: Bearer <key>, as the HTTP Basic client secret, or as client_secret',
      BASIC_CHALLENGE,
    );
  }
  return { secret, challenge: BASIC_CHALLENGE };
}

/** RFC 6749 §2.3.1: `base64(urlencode(id) ":" urlencode(secret))`; null for anything else. */
function basicSecretOf(authorization: string): string | null {
  const match = /^\s*Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(authorization);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || colon === decoded.length - 1) return null;
  try {
    return decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** The edge parses no bodies elsewhere; this one is tiny, so it is read here with a hard cap. */
async function formOf(request: TokenRequest): Promise<URLSearchParams> {
  const raw = await readCapped(request.body);
  if (raw.length === 0) return new URLSearchParams();
  const type = (request.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(raw);
  if (type === 'application/json') return jsonForm(raw);
  throw new OAuthError('invalid_request', 'Token requests are application/x-www-form-urlencoded or JSON');
}

function jsonForm(raw: string): URLSearchParams {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new OAuthError('invalid_request', 'Body is not valid JSON');
  }
  const form = new URLSearchParams();
  if (!parsed || typeof parsed !== 'object') return form;
  for (const [name, value] of Object.entries(parsed)) if (typeof value === 'string') form.set(name, value);
  return form;
}

async function readCapped(body: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_TOKEN_BODY_BYTES)
      throw new OAuthError('invalid_request', `Token request body over ${MAX_TOKEN_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
