import { hash, randomBytes } from 'node:crypto';

export interface IssuedSecret {
  secret: string;
  prefix: string;
  hash: string;
}

/**
 * Bearer secrets carry 256 random bits, so a fast hash is enough to store them (no password
 * stretching needed); the prefix lets people recognise a key without exposing it.
 */
export function issueSecret(kind: 'op' | 'tk'): IssuedSecret {
  const secret = `${kind}_${randomBytes(32).toString('base64url')}`;
  return { secret, prefix: secret.slice(0, 10), hash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function prefixOf(secret: string): string {
  return secret.slice(0, 10);
}
