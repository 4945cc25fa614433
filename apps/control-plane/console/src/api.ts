/** The admin API, called with the operator token the console signed in with. */
export interface Session {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  token: string;
  queueDashboard: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const SESSION_KEY = 'operator-console-session';

export function savedSession(): Session | null {
  const text = sessionStorage.getItem(SESSION_KEY);
  return text ? (JSON.parse(text) as Session) : null;
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

async function answerOf<T>(response: Response): Promise<T> {
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const problem = body as { message?: string; details?: unknown } | undefined;
    const details = problem?.details ? ` ${JSON.stringify(problem.details)}` : '';
    throw new ApiError(response.status, `${problem?.message ?? response.statusText}${details}`);
  }
  return body as T;
}

/** Signs in with a token, or (no token) with the browser's Basic login of the queue dashboard. */
export async function signIn(token: string | null): Promise<Session> {
  const response = token
    ? await fetch('/console/session', { headers: { authorization: `Bearer ${token}` } })
    : await fetch('/console/session?login=basic', { credentials: 'same-origin' });
  const session = await answerOf<Omit<Session, 'token'> & { token?: string }>(response);
  return { ...session, token: token ?? session.token ?? '' };
}

export function api<T>(session: Session, method: string, path: string, body?: unknown, headers = {}): Promise<T> {
  return fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${session.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then((response) => answerOf<T>(response));
}

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

export interface Tenant {
  id: string;
  slug: string;
  displayName: string;
  tier: 'starter' | 'business' | 'enterprise';
  branding: { primaryColor: string; accentColor: string | null; logo: { contentType: string; bytes: number } | null };
  domains: string[];
  desiredState: 'active' | 'suspended' | 'deleted';
  generation: number;
  status: { phase: string; observedGeneration: number; conditions: Condition[] };
  url: string;
  createdAt: string;
}

export interface Job {
  id: string;
  generation: number;
  kind: string;
  state: string;
  attempts: number;
  failedReason: string | null;
  requestedBy: string | null;
  queuedAt: string;
  durationMs: number | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
}

export interface AuditEvent {
  id: string;
  at: string;
  actor: { name: string };
  action: string;
}

export interface UsageRow {
  period: string;
  counterValues: number;
  rowsIngested: number;
  apiRequests: number;
  storedBytes: number;
}

export const PHASES = ['Pending', 'Provisioning', 'Ready', 'Failed', 'Suspended', 'Deleting', 'Deleted'] as const;
/** Phases a running job moves on from: the page watches these closely. */
export const SETTLING_PHASES = new Set(['Pending', 'Provisioning', 'Deleting']);

export function canChange(session: Session): boolean {
  return session.role === 'operator' || session.role === 'admin';
}
