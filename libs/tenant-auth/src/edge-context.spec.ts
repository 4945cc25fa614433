import { EDGE_HEADERS, signEdgeContext, verifyEdgeContext } from '@platform/tenant-auth';

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
