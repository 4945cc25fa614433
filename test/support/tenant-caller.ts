import { Client } from 'undici';
import { signEdgeContext } from '@platform/tenant-auth';
import { type Stack, uniqueSlug } from './stack.js';
import { type TenantBody, aTenant } from './tenant.factory.js';

export interface TenantWithKey {
  slug: string;
  host: string;
  tenantId: string;
  key: string;
  keyId: string;
}

export interface Answer<T> {
  status: number;
  body: T;
}

export interface RequestOptions {
  method?: string;
  authorization?: string | null;
  headers?: Record<string, string>;
  body?: string;
}

/** Onboards a tenant to Ready and issues it an API key, as an operator would. */
export async function onboardWithKey(
  stack: Stack,
  prefix: string,
  overrides: Partial<TenantBody> = {},
): Promise<TenantWithKey> {
  const slug = uniqueSlug(prefix);
  const accepted = await stack.api<{ id: string }>('POST', '/v1/tenants', { body: aTenant({ ...overrides, slug }) });
  await stack.waitForReady(slug);
  const issued = await stack.api<{ id: string; key: string }>('POST', `/v1/tenants/${slug}/api-keys`, {
    body: { name: 'tests' },
  });
  if (issued.status !== 201 && issued.status !== 200) throw new Error(`API key not issued: ${issued.text}`);
  return { slug, host: `${slug}.localhost`, tenantId: accepted.body.id, key: issued.body.key, keyId: issued.body.id };
}

/**
 * One keep-alive connection, like one client of the service: through the edge with the tenant's
 * Host, or straight to a counter replica with headers signed as the edge would (a second edge).
 */
export class CallerConnection {
  private readonly client: Client;

  constructor(
    baseUrl: string,
    private readonly host: string,
    private readonly credential: string,
    private readonly signAs?: { secret: string; tenantId: string; tenantSlug: string },
  ) {
    this.client = new Client(baseUrl, { pipelining: 1 });
  }

  async request<T>(path: string, options: RequestOptions = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { host: this.host, ...options.headers };
    const authorization = options.authorization === undefined ? `Bearer ${this.credential}` : options.authorization;
    if (authorization !== null) headers.authorization = authorization;
    if (this.signAs) Object.assign(headers, signEdgeContext(this.signAs.secret, this.signAs));
    const response = await this.client.request({
      path,
      method: (options.method ?? 'GET') as 'GET',
      headers,
      body: options.body,
    });
    const text = await response.body.text();
    return { status: response.statusCode, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** One value from `POST .../next`; throws on anything but 200 so callers can retry during outages. */
  async next(prefix: string, name: string): Promise<number> {
    const answer = await this.request<{ value: number }>(`${prefix}/v1/counters/${name}/next`, { method: 'POST' });
    if (answer.status !== 200) throw new Error(`next answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body.value;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
