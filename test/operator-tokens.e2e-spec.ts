import { randomBytes } from 'node:crypto';
import { Stack, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

interface TokenView {
  id: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  active: boolean;
}

let stack: Stack;

beforeAll(async () => {
  stack = await Stack.start(['control-plane']);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

async function issue(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return stack.api('POST', '/v1/operator-tokens', { body, headers });
}

async function listed(): Promise<TokenView[]> {
  const answer = await stack.api<{ items: TokenView[] }>('GET', '/v1/operator-tokens');
  expect(answer.status).toBe(200);
  return answer.body.items;
}

describe('operator token lifecycle', () => {
  it('lists tokens with their state and never a secret or a hash', async () => {
    const name = uniqueSlug('list');
    const issued = await issue({ name, role: 'viewer', expiresIn: 3600 });
    expect(issued.status).toBe(201);
    const secret = issued.body.token as string;

    const list = await stack.api('GET', '/v1/operator-tokens');
    const mine = (list.body.items as TokenView[]).find((token) => token.id === issued.body.id)!;

    expect(mine).toMatchObject({ name, role: 'viewer', active: true, revokedAt: null });
    expect(Date.parse(mine.expiresAt!) - Date.now()).toBeGreaterThan(3500_000);
    expect(list.text).not.toContain(secret);
    expect(list.text).not.toMatch(/token"|tokenHash|hash/i);
    const [{ tokenHash }] = await stack.pg<{ tokenHash: string }>(
      'SELECT "tokenHash" FROM "OperatorToken" WHERE id = $1',
      [issued.body.id],
    );
    expect(list.text).not.toContain(tokenHash);
  });

  it('only admins list and revoke tokens', async () => {
    const viewer = (await issue({ name: uniqueSlug('viewer'), role: 'viewer' })).body.token as string;
    const operator = (await issue({ name: uniqueSlug('operator'), role: 'operator' })).body.token as string;
    expect((await stack.api('GET', '/v1/operator-tokens', { token: viewer })).status).toBe(403);
    expect((await stack.api('GET', '/v1/operator-tokens', { token: operator })).status).toBe(403);
    const victim = (await issue({ name: uniqueSlug('victim'), role: 'viewer' })).body.id as string;
    expect((await stack.api('DELETE', `/v1/operator-tokens/${victim}`, { token: operator })).status).toBe(403);
  });

  it('a revoked token is refused at once, on the admin API and the queue dashboard, and the revocation is audited', async () => {
    const issued = await issue({ name: uniqueSlug('leaked'), role: 'operator' });
    const token = issued.body.token as string;
    expect((await stack.api('GET', '/v1/tenants', { token })).status).toBe(200);

    const revoked = await stack.api('DELETE', `/v1/operator-tokens/${issued.body.id}`);
    const started = Date.now();
    const adminApi = await stack.api('GET', '/v1/tenants', { token });
    const dashboard = await fetch(`${stack.controlPlaneUrl}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${token}` },
    });

    expect(revoked.status).toBe(204);
    expect(adminApi.status).toBe(401);
    expect(dashboard.status).toBe(401);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect((await listed()).find((row) => row.id === issued.body.id)).toMatchObject({ active: false });
    const audit = await stack.api('GET', `/v1/audit-events?targetId=${issued.body.id}`);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual([
      'operator-token.revoke',
      'operator-token.create',
    ]);
    expect((await stack.api('DELETE', `/v1/operator-tokens/${issued.body.id}`)).status).toBe(404);
    expect((await stack.api('DELETE', '/v1/operator-tokens/not-a-uuid')).status).toBe(404);
  });

  it('an expired token is refused', async () => {
    const issued = await issue({ name: uniqueSlug('short'), role: 'viewer', expiresIn: 60 });
    const token = issued.body.token as string;
    expect((await stack.api('GET', '/v1/tenants', { token })).status).toBe(200);

    // Its minute passes.
    await stack.pg(`UPDATE "OperatorToken" SET "expiresAt" = now() - interval '1 second' WHERE id = $1`, [
      issued.body.id,
    ]);

    // What a replica read about the token before is trusted for at most OPERATOR_TOKEN_CACHE_MS (2 s).
    const changedAt = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - changedAt < 5_000) {
      status = (await stack.api('GET', '/v1/tenants', { token })).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(401);
    expect(Date.now() - changedAt).toBeLessThan(3_000);
    expect((await listed()).find((row) => row.id === issued.body.id)).toMatchObject({ active: false });
  });

  it('takes an expiry as an instant too, and refuses both forms at once or one out of range', async () => {
    const at = new Date(Date.now() + 2 * 3600_000).toISOString();
    const issued = await issue({ name: uniqueSlug('until'), role: 'viewer', expiresAt: at });
    expect(issued.status).toBe(201);
    expect(issued.body.expiresAt).toBe(at);
    for (const body of [
      { expiresAt: at, expiresIn: 3600 },
      { expiresIn: 5 },
      { expiresAt: new Date(Date.now() - 1000).toISOString() },
      { expiresAt: 'tomorrow' },
    ]) {
      const refused = await issue({ name: uniqueSlug('bad'), role: 'viewer', ...body });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toBe('ValidationFailed');
    }
  });
});

describe('Idempotency-Key on the POSTs that mint secrets', () => {
  it('an operator token: a retry issues nothing and answers 409 AlreadyIssued with the first id, never the secret', async () => {
    const key = `retry-${randomBytes(6).toString('hex')}`;
    const body = { name: uniqueSlug('idem'), role: 'viewer' };
    const first = await issue(body, { 'idempotency-key': key });
    const retry = await issue(body, { 'idempotency-key': key });
    const otherBody = await issue({ ...body, role: 'admin' }, { 'idempotency-key': key });

    expect(first.status).toBe(201);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ error: 'AlreadyIssued', details: { issued: { id: first.body.id } } });
    expect(retry.text).not.toContain(first.body.token);
    expect(otherBody.status).toBe(409);
    expect(otherBody.body.error).toBe('IdempotencyKeyReused');
    expect((await listed()).filter((token) => token.name === body.name)).toHaveLength(1);
  });

  it('concurrent retries of one key mint one token', async () => {
    const key = `race-${randomBytes(6).toString('hex')}`;
    const body = { name: uniqueSlug('race'), role: 'viewer' };
    const answers = await Promise.all(Array.from({ length: 5 }, () => issue(body, { 'idempotency-key': key })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409]);
    expect((await listed()).filter((token) => token.name === body.name)).toHaveLength(1);
  });

  it('an API key: a retry issues nothing and answers 409 AlreadyIssued with the first id', async () => {
    const slug = uniqueSlug('idemkey');
    expect((await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) })).status).toBe(202);
    const key = `retry-${randomBytes(6).toString('hex')}`;
    const first = await stack.api('POST', `/v1/tenants/${slug}/api-keys`, {
      body: { name: 'orders' },
      headers: { 'idempotency-key': key },
    });
    const retry = await stack.api('POST', `/v1/tenants/${slug}/api-keys`, {
      body: { name: 'orders' },
      headers: { 'idempotency-key': key },
    });

    expect(first.status).toBe(201);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({ error: 'AlreadyIssued', details: { issued: { id: first.body.id } } });
    expect(retry.text).not.toContain(first.body.key);
    expect((await stack.api('GET', `/v1/tenants/${slug}/api-keys`)).body.items).toHaveLength(1);
  });

  it('refuses a malformed key with 400', async () => {
    const refused = await issue({ name: uniqueSlug('badkey'), role: 'viewer' }, { 'idempotency-key': 'x'.repeat(201) });
    expect(refused.status).toBe(400);
  });
});

describe('ADMIN_TOKEN', () => {
  it('seeding a new one revokes the earlier bootstrap token, and says so in the audit log', async () => {
    const earlier = stack.adminToken;
    const issuedByHand = (await issue({ name: uniqueSlug('kept'), role: 'admin' })).body.token as string;
    await stack.stopApp('control-plane');
    stack.env.ADMIN_TOKEN = `adm_${randomBytes(24).toString('hex')}`;
    await stack.startApp('control-plane');

    expect((await stack.api('GET', '/v1/tenants', { token: earlier })).status).toBe(401);
    expect((await stack.api('GET', '/v1/tenants')).status).toBe(200);
    expect((await stack.api('GET', '/v1/tenants', { token: issuedByHand })).status).toBe(200);
    const bootstrap = (await listed()).filter((token) => token.name === 'bootstrap-admin');
    expect(bootstrap.map((token) => token.active).sort()).toEqual([false, true]);
    const revoked = bootstrap.find((token) => !token.active)!;
    const audit = await stack.api('GET', `/v1/audit-events?targetId=${revoked.id}`);
    expect(audit.body.items[0]).toMatchObject({ action: 'operator-token.revoke', actor: { name: 'system' } });

    // A restart with the same token changes nothing.
    await stack.stopApp('control-plane');
    await stack.startApp('control-plane');
    expect((await stack.api('GET', '/v1/tenants')).status).toBe(200);
  });
});
