import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { DomainError } from '@platform/errors';
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

/**
 * `POST /api/auth/token` on a tenant's hostname: the tenant's API key (Bearer, HTTP Basic client
 * secret, or OAuth2 client-credentials form) buys a short-lived JWT for that tenant only.
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
    const apiKey = await credentialOf(request);
    const tenant = { tenantId: resolution.route.tenantId, tenantSlug: resolution.route.slug };
    const token: AccessToken = await this.tokens.issue(tenant, apiKey);
    return jsonAnswer(200, token, { pragma: 'no-cache' });
  }
}

async function credentialOf(request: TokenRequest): Promise<string> {
  const form = await formOf(request);
  const grantType = form.get('grant_type');
  if (grantType !== null && grantType !== 'client_credentials') {
    throw new DomainError('ValidationFailed', 'grant_type must be client_credentials', { grant_type: grantType });
  }
  const secret = bearerOf(request.authorization) ?? basicSecretOf(request.authorization) ?? form.get('client_secret');
  if (!secret) {
    throw new DomainError('Unauthenticated', 'Send the API key as Authorization: Bearer <key> or as client_secret');
  }
  return secret;
}

function basicSecretOf(authorization: string | undefined): string | null {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && colon < decoded.length - 1 ? decodeURIComponent(decoded.slice(colon + 1)) : null;
}

/** The edge parses no bodies elsewhere; this one is tiny, so it is read here with a hard cap. */
async function formOf(request: TokenRequest): Promise<URLSearchParams> {
  const raw = await readCapped(request.body);
  if (raw.length === 0) return new URLSearchParams();
  const type = (request.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return new URLSearchParams(raw);
  if (type === 'application/json') return jsonForm(raw);
  throw new DomainError('ValidationFailed', 'Token requests are application/x-www-form-urlencoded or JSON');
}

function jsonForm(raw: string): URLSearchParams {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new DomainError('ValidationFailed', 'Body is not valid JSON');
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
      throw new DomainError('ValidationFailed', `Token request body over ${MAX_TOKEN_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
