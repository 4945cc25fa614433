import {
  EDGE_HEADERS,
  EdgeContextSigner,
  EdgeContextVerifier,
  signEdgeContext,
  verifyEdgeContext,
} from '@platform/tenant-auth';

const secret = 'x'.repeat(40);
const context = { tenantId: '7c6a1f0e-0000-4000-8000-000000000001', tenantSlug: 'acme' };

describe('verifyEdgeContext', () => {
  it('accepts what the edge signed', () => {
    expect(verifyEdgeContext(secret, signEdgeContext(secret, context))).toEqual(context);
  });

  it('refuses another tenant id under the same signature', () => {
    const headers = { ...signEdgeContext(secret, context), [EDGE_HEADERS.tenantId]: 'someone-else' };
    expect(verifyEdgeContext(secret, headers)).toBeNull();
  });

  it('refuses a signature made with another secret, a stale one, or none', () => {
    expect(verifyEdgeContext(secret, signEdgeContext('y'.repeat(40), context))).toBeNull();
    expect(verifyEdgeContext(secret, signEdgeContext(secret, context, Date.now() - 120_000))).toBeNull();
    expect(verifyEdgeContext(secret, { [EDGE_HEADERS.tenantId]: context.tenantId })).toBeNull();
  });
});

describe('EdgeContextVerifier', () => {
  it('remembers a checked signature, yet refuses it with any other field or once it is stale', () => {
    const verifier = new EdgeContextVerifier(secret);
    const now = Date.now();
    const headers = signEdgeContext(secret, context, now);
    expect(verifier.verify(headers, now)).toEqual(context);
    expect(verifier.verify(headers, now + 1_000)).toEqual(context);
    expect(verifier.verify({ ...headers, [EDGE_HEADERS.tenantSlug]: 'other' }, now)).toBeNull();
    expect(verifier.verify({ ...headers, [EDGE_HEADERS.tenantId]: 'someone-else' }, now)).toBeNull();
    expect(verifier.verify({ ...headers, [EDGE_HEADERS.issuedAt]: String(now + 1) }, now)).toBeNull();
    expect(verifier.verify(headers, now + 61_000)).toBeNull();
  });

  it('does not remember what it refused', () => {
    const verifier = new EdgeContextVerifier(secret);
    const forged = signEdgeContext('y'.repeat(40), context);
    expect(verifier.verify(forged)).toBeNull();
    expect(verifier.verify(forged)).toBeNull();
  });
});

describe('EdgeContextSigner', () => {
  it("reuses a tenant's signed headers for up to a second, then signs afresh", () => {
    const signer = new EdgeContextSigner(secret);
    const first = signer.headersFor(context, 10_000);
    expect(signer.headersFor(context, 10_999)).toBe(first);
    expect(signer.headersFor({ ...context, tenantSlug: 'renamed' }, 10_500)).not.toBe(first);
    const later = signer.headersFor(context, 11_000);
    expect(later).not.toBe(first);
    expect(later[EDGE_HEADERS.issuedAt]).toBe('11000');
    expect(verifyEdgeContext(secret, later, 11_000)).toEqual(context);
  });
});
