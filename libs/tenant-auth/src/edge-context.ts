import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers the edge sets after resolving a tenant; it drops any a caller sent. */
export const EDGE_HEADERS = {
  tenantId: 'x-platform-tenant-id',
  tenantSlug: 'x-platform-tenant-slug',
  issuedAt: 'x-platform-issued-at',
  signature: 'x-platform-signature',
} as const;

export interface EdgeContext {
  tenantId: string;
  tenantSlug: string;
}

const MAX_AGE_MS = 60_000;
// The edge signs each tenant's headers once per REUSE_MS, so workloads see few distinct signatures.
const REUSE_MS = 1_000;
const MAX_REMEMBERED = 10_000;

function signatureOf(secret: string, context: EdgeContext, issuedAt: string): string {
  return createHmac('sha256', secret)
    .update(`${context.tenantId}\n${context.tenantSlug}\n${issuedAt}`)
    .digest('base64url');
}

export function signEdgeContext(secret: string, context: EdgeContext, now = Date.now()): Record<string, string> {
  const issuedAt = String(now);
  return {
    [EDGE_HEADERS.tenantId]: context.tenantId,
    [EDGE_HEADERS.tenantSlug]: context.tenantSlug,
    [EDGE_HEADERS.issuedAt]: issuedAt,
    [EDGE_HEADERS.signature]: signatureOf(secret, context, issuedAt),
  };
}

/**
 * The edge's side: each tenant's signed headers are made once and reused for up to a second (well
 * inside the minute a signature is accepted), so that workloads can remember signatures they checked.
 */
export class EdgeContextSigner {
  private readonly signed = new Map<string, { headers: Record<string, string>; at: number }>();

  constructor(private readonly secret: string) {}

  headersFor(context: EdgeContext, now = Date.now()): Record<string, string> {
    const key = `${context.tenantId}\n${context.tenantSlug}`;
    const last = this.signed.get(key);
    if (last && now - last.at >= 0 && now - last.at < REUSE_MS) return last.headers;
    if (this.signed.size >= MAX_REMEMBERED) this.signed.clear();
    const headers = signEdgeContext(this.secret, context, now);
    this.signed.set(key, { headers, at: now });
    return headers;
  }
}

/**
 * Workloads trust only a tenant the edge signed, recently: a request that did not pass the edge,
 * or whose headers were forged or replayed later, gets null. A signature already checked is
 * remembered with the exact fields it signed, so seeing it again costs a lookup, not an HMAC.
 */
export class EdgeContextVerifier {
  private readonly verified = new Map<string, { tenantId: string; tenantSlug: string; issuedAt: string }>();

  constructor(private readonly secret: string) {}

  verify(headers: Record<string, string | string[] | undefined>, now = Date.now()): EdgeContext | null {
    const read = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
    const tenantId = read(EDGE_HEADERS.tenantId);
    const tenantSlug = read(EDGE_HEADERS.tenantSlug);
    const issuedAt = read(EDGE_HEADERS.issuedAt);
    const signature = read(EDGE_HEADERS.signature);
    if (!tenantId || !tenantSlug || !issuedAt || !signature) return null;
    const age = now - Number(issuedAt);
    if (!Number.isFinite(age) || age < -MAX_AGE_MS || age > MAX_AGE_MS) return null;
    const seen = this.verified.get(signature);
    if (seen && seen.tenantId === tenantId && seen.tenantSlug === tenantSlug && seen.issuedAt === issuedAt)
      return { tenantId, tenantSlug };
    const expected = Buffer.from(signatureOf(this.secret, { tenantId, tenantSlug }, issuedAt));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    if (this.verified.size >= MAX_REMEMBERED) this.verified.clear();
    this.verified.set(signature, { tenantId, tenantSlug, issuedAt });
    return { tenantId, tenantSlug };
  }
}

/** One-off check (tests, tools); services hold an `EdgeContextVerifier`. */
export function verifyEdgeContext(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): EdgeContext | null {
  return new EdgeContextVerifier(secret).verify(headers, now);
}
