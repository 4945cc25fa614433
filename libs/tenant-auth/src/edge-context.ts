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
 * Workloads trust only a tenant the edge signed, recently: a request that did not pass the edge,
 * or whose headers were forged or replayed later, gets null.
 */
export function verifyEdgeContext(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): EdgeContext | null {
  const read = (name: string) => (typeof headers[name] === 'string' ? (headers[name] as string) : undefined);
  const tenantId = read(EDGE_HEADERS.tenantId);
  const tenantSlug = read(EDGE_HEADERS.tenantSlug);
  const issuedAt = read(EDGE_HEADERS.issuedAt);
  const signature = read(EDGE_HEADERS.signature);
  if (!tenantId || !tenantSlug || !issuedAt || !signature) return null;
  const age = now - Number(issuedAt);
  if (!Number.isFinite(age) || age < -MAX_AGE_MS || age > MAX_AGE_MS) return null;
  const expected = Buffer.from(signatureOf(secret, { tenantId, tenantSlug }, issuedAt));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  return { tenantId, tenantSlug };
}
