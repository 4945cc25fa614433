import { scramSha256Verifier, verifierLiteral } from './postgres-password.js';

describe(scramSha256Verifier.name, () => {
  // That Postgres accepts the password behind it is proven end to end (test/tenant-credentials.e2e-spec.ts).
  it('has the shape Postgres stores: iterations, salt, stored key and server key', () => {
    expect(scramSha256Verifier('pencil', Buffer.alloc(16, 1))).toMatch(
      /^SCRAM-SHA-256\$4096:AQEBAQEBAQEBAQEBAQEBAQ==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/,
    );
  });

  it('salts every verifier afresh, and only a well-formed one becomes a literal', () => {
    expect(scramSha256Verifier('x')).not.toBe(scramSha256Verifier('x'));
    expect(verifierLiteral(scramSha256Verifier('x'))).toMatch(/^'SCRAM-SHA-256\$4096:/);
    expect(() => verifierLiteral("x'; DROP ROLE postgres; --")).toThrow(/unexpected/);
  });
});
