import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

const ITERATIONS = 4_096;

/**
 * The SCRAM-SHA-256 verifier Postgres stores for a password (RFC 5802/7677), computed here so
 * `ALTER ROLE ... PASSWORD` carries the verifier, never the password: statement logs and
 * `pg_stat_activity` cannot show it. Passwords are ASCII we generate, so SASLprep is a no-op.
 */
export function scramSha256Verifier(password: string, salt = randomBytes(16)): string {
  const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}

/** A verifier can be written into SQL as a literal: it is only base64, digits and `$:-`. */
export function verifierLiteral(verifier: string): string {
  if (!/^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/.test(verifier))
    throw new Error('Refusing an unexpected password verifier');
  return `'${verifier}'`;
}
