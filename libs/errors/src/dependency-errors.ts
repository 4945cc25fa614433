// Network failures, and Postgres's "shutting down / starting up / too many connections / cannot connect".
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08006',
  'P1001',
  'P1002',
  'P1017',
]);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /can't reach database/i,
  /connection (?:is )?closed/i,
  /server closed the connection/i,
  /timeout exceeded when trying to connect/i,
  /DatabaseNotReachable/,
];

/**
 * True when an error means a dependency (Postgres, Redis) is down or restarting, not that the request
 * was wrong: callers answer 503 and retry later. Drivers wrap errors, so the whole `cause` chain is read.
 */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; depth += 1) {
    const { code, kind, message, cause } = current as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof code === 'string' && UNAVAILABLE_CODES.has((current as { originalCode?: string }).originalCode ?? ''))
      return true;
    if (kind === 'DatabaseNotReachable' || kind === 'ConnectionClosed' || kind === 'SocketTimeout') return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))) return true;
    current = cause;
  }
  return false;
}
