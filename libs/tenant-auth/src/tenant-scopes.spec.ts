import { isDomainError } from '@platform/errors';
import { narrowedScopesOf, requiredScopeOf, tenantScopesOf } from '@platform/tenant-auth';

describe('tenant scopes', () => {
  it('needs counter for any counter call, data:read for data reads and data:write for the rest', () => {
    expect(requiredScopeOf('counter', 'GET')).toBe('counter');
    expect(requiredScopeOf('counter', 'POST')).toBe('counter');
    expect(['GET', 'head', 'OPTIONS'].map((method) => requiredScopeOf('data', method))).toEqual([
      'data:read',
      'data:read',
      'data:read',
    ]);
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map((method) => requiredScopeOf('data', method))).toEqual(
      Array(4).fill('data:write'),
    );
  });

  it('reads the scopes of tokens issued before scopes existed, and drops unknown ones', () => {
    expect(tenantScopesOf(['counter', 'data'])).toEqual(['counter', 'data:read', 'data:write']);
    expect(tenantScopesOf(['data:write', 'admin', 'counter'])).toEqual(['counter', 'data:write']);
  });

  it("narrows to a requested part of the key's scopes, and refuses anything outside them", () => {
    const granted = tenantScopesOf(['counter', 'data:read']);
    expect(narrowedScopesOf(granted, undefined)).toEqual(granted);
    expect(narrowedScopesOf(granted, ' data:read  ')).toEqual(['data:read']);
    for (const requested of ['data:write', 'counter admin', '', '   ']) {
      let refusal: unknown;
      try {
        narrowedScopesOf(granted, requested);
      } catch (error) {
        refusal = error;
      }
      expect(isDomainError(refusal) && refusal.code).toBe('InsufficientScope');
    }
  });
});
