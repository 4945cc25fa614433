// Network failures, and Postgres's "connection exception" (08), "operator intervention: shutting
// down / starting up" (57P) and "too many connections" (53300); Prisma's "cannot reach / closed".
const UNAVAILABLE_CODES = new Set(['ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '53300', 'P1001', 'P1002', 'P1017']);
const UNAVAILABLE_CODE_PREFIXES = ['ECONN', '08', '57P'];
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout']);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /can't reach database/i,
  /connection (?:is )?closed/i,
  /server closed the connection/i,
  /timeout exceeded when trying to connect/i,
  /DatabaseNotReachable/,
];

interface DriverError {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
}

function isUnavailableCode(code: unknown): boolean {
  if (typeof code !== 'string') return false;
  return UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CODE_PREFIXES.some((prefix) => code.startsWith(prefix));
}

/** The error and the errors it wraps (drivers wrap errors in `cause`), outermost first, at most 6. */
function* causesOf(error: unknown): Generator<DriverError> {
  for (let current = error as DriverError | undefined, depth = 0; current && depth < 6; depth += 1) {
    yield current;
    current = current.cause as DriverError | undefined;
  }
}

/**
 * True when an error means a dependency (Postgres, Redis) is down or restarting, not that the request
 * was wrong: callers answer 503 and retry later. Drivers wrap errors, so the whole `cause` chain is read.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (const current of causesOf(error)) {
    if (isUnavailableCode(current.code) || isUnavailableCode(current.originalCode)) return true;
    if (typeof current.kind === 'string' && UNAVAILABLE_KINDS.has(current.kind)) return true;
    const message = current.message;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
  }
  return false;
}

/** True when the error, or one it wraps, carries one of these Postgres SQLSTATE codes (pg's or Prisma's adapter's). */
export function hasPostgresCode(error: unknown, ...codes: string[]): boolean {
  for (const current of causesOf(error)) {
    if (codes.includes(current.code as string) || codes.includes(current.originalCode as string)) return true;
  }
  return false;
}
