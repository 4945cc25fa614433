// RFC 6750 §2.1 b64token; anything else (another scheme, spaces, controls) is no bearer credential.
const BEARER = /^\s*Bearer +([A-Za-z0-9\-._~+/]+=*)\s*$/i;

export function bearerOf(authorization: string | undefined): string | null {
  if (authorization === undefined || authorization.length > MAX_AUTHORIZATION_LENGTH) return null;
  return BEARER.exec(authorization)?.[1] ?? null;
}

/** Longer than any key or token we issue; a longer header is refused without hashing it. */
const MAX_AUTHORIZATION_LENGTH = 8_192;
