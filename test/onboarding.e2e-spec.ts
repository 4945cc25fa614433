import { Stack, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

describe('Onboarding a tenant end to end (local target)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner', 'edge', 'counter']);
  }, 90_000);

  afterAll(() => stack.stop());

  it('onboards a tenant to Ready and serves its branded page on its hostname', async () => {
    const slug = uniqueSlug('acme');
    const accepted = await stack.api('POST', '/v1/tenants', {
      body: aTenant({ slug, displayName: 'Acme <Corp>', branding: { primaryColor: '#112233' } }),
    });
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ slug, generation: 1, status: { phase: 'Pending', observedGeneration: 0 } });
    expect(accepted.body.url).toBe(`http://${slug}.localhost:${stack.env.EDGE_PORT}/`);

    const ready = await stack.waitForReady(slug);
    expect(
      ready.status.conditions.map((condition: { type: string; status: string }) => [condition.type, condition.status]),
    ).toEqual([
      ['Provisioned', 'True'],
      ['DnsReady', 'True'],
      ['WorkloadsReady', 'True'],
      ['Ready', 'True'],
    ]);

    const page = await stack.edge(`${slug}.localhost`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('Acme &lt;Corp&gt;');
    expect(page.text).not.toContain('<Corp>');

    const themePath = /href="(\/assets\/theme-[0-9a-f]{16}\.css)"/.exec(page.text)?.[1];
    expect(themePath).toBeDefined();
    const theme = await stack.edge(`${slug}.localhost`, themePath!);
    expect(theme.status).toBe(200);
    expect(theme.text).toContain('#112233');
    expect(theme.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = theme.headers.get('etag')!;
    expect((await stack.edge(`${slug}.localhost`, themePath!, { headers: { 'if-none-match': etag } })).status).toBe(
      304,
    );

    const schema = await stack.pg<{ owner: string }>(
      `SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1`,
      [`t_${slug.replaceAll('-', '_')}`],
    );
    expect(schema).toHaveLength(1);
    expect(schema[0]!.owner).toMatch(new RegExp(`^t_${slug.replaceAll('-', '_')}_r[0-9a-f]{8}$`));

    const jobs = await stack.api('GET', `/v1/tenants/${slug}/jobs`);
    expect(jobs.body.items[0]).toMatchObject({ generation: 1, kind: 'provision', state: 'completed' });
    const job = await stack.api('GET', accepted.body.links.latestJob);
    expect(job.body).toMatchObject({ state: 'completed', attempts: 1 });
    expect(job.body.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('serves the tenant on its custom domain too', async () => {
    const slug = uniqueSlug('shop');
    const domain = `${slug}.example.com`;
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug, domains: [domain] }) });
    await stack.waitForReady(slug);
    expect((await stack.edge(domain)).status).toBe(200);
    const other = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug: uniqueSlug(), domains: [domain] }) });
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('DomainTaken');
  });

  it('rebrands: the new colour is served and the old asset URL still works', async () => {
    const slug = uniqueSlug('rebrand');
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug, branding: { primaryColor: '#aa0000' } }) });
    await stack.waitForReady(slug);
    const before = await stack.edge(`${slug}.localhost`);
    const oldTheme = /href="(\/assets\/theme-[0-9a-f]{16}\.css)"/.exec(before.text)![1]!;

    const patched = await stack.api('PATCH', `/v1/tenants/${slug}`, {
      body: { branding: { primaryColor: '#00bb00' } },
    });
    expect(patched.status).toBe(202);
    expect(patched.body.generation).toBe(2);
    await stack.waitForReady(slug);

    const after = await stack.edge(`${slug}.localhost`);
    const newTheme = /href="(\/assets\/theme-[0-9a-f]{16}\.css)"/.exec(after.text)![1]!;
    expect(newTheme).not.toBe(oldTheme);
    expect((await stack.edge(`${slug}.localhost`, newTheme)).text).toContain('#00bb00');
    const old = await stack.edge(`${slug}.localhost`, oldTheme);
    expect(old.status).toBe(200);
    expect(old.text).toContain('#aa0000');
  });

  it('suspends (503 branded page, data kept) and resumes (200)', async () => {
    const slug = uniqueSlug('pause');
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug, displayName: 'Paused Ltd' }) });
    await stack.waitForReady(slug);

    expect((await stack.api('POST', `/v1/tenants/${slug}/suspend`)).status).toBe(202);
    await stack.waitForTenant(slug, (tenant) => tenant.status.phase === 'Suspended');
    const suspended = await stack.edge(`${slug}.localhost`);
    expect(suspended.status).toBe(503);
    expect(suspended.text).toContain('Paused Ltd');
    expect(suspended.text.toLowerCase()).toContain('suspended');
    expect((await stack.edge(`${slug}.localhost`, '/api/counter/v1/counters')).status).toBe(503);
    const schemas = await stack.pg(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [`t_${slug.replaceAll('-', '_')}`]);
    expect(schemas).toHaveLength(1);

    expect((await stack.api('POST', `/v1/tenants/${slug}/resume`)).status).toBe(202);
    await stack.waitForReady(slug);
    expect((await stack.edge(`${slug}.localhost`)).status).toBe(200);
  });

  it('offboards: schema, role, assets and routes go; the row and its audit trail stay', async () => {
    const slug = uniqueSlug('gone');
    const created = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    await stack.waitForReady(slug);
    const schema = `t_${slug.replaceAll('-', '_')}`;

    expect((await stack.api('DELETE', `/v1/tenants/${slug}`)).status).toBe(202);
    const deleted = await stack.waitForTenant(slug, (tenant) => tenant.status.phase === 'Deleted');
    expect(deleted.desiredState).toBe('deleted');

    expect(await stack.pg(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema])).toHaveLength(0);
    expect(await stack.pg(`SELECT 1 FROM pg_roles WHERE rolname LIKE $1`, [`${schema}\\_r%`])).toHaveLength(0);
    expect(await stack.pg(`SELECT 1 FROM "Route" WHERE slug = $1`, [slug])).toHaveLength(0);
    const page = await stack.edge(`${slug}.localhost`);
    expect(page.status).toBe(404);

    const audit = await stack.api('GET', `/v1/audit-events?targetId=${created.body.id}`);
    expect(audit.body.items.map((event: { action: string }) => event.action)).toEqual([
      'tenant.delete',
      'tenant.create',
    ]);
    expect((await stack.api('PATCH', `/v1/tenants/${slug}`, { body: { displayName: 'x' } })).status).toBe(409);
  });

  it('answers 503 with Retry-After while a tenant is not ready, and 404 for unknown hosts', async () => {
    const unknown = await stack.edge('nobody-here.localhost');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('text/html');

    const slug = uniqueSlug('early');
    await stack.stopApp('provisioner');
    try {
      await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
      const early = await stack.edge(`${slug}.localhost`);
      expect(early.status).toBe(503);
      expect(early.headers.get('retry-after')).toBe('5');
    } finally {
      await stack.startApp('provisioner');
    }
    await stack.waitForReady(slug);
    expect((await stack.edge(`${slug}.localhost`)).status).toBe(200);
  });

  it('replays an idempotent POST and refuses the same key with another body', async () => {
    const slug = uniqueSlug('idem');
    const key = `key-${slug}`;
    const first = await stack.api('POST', '/v1/tenants', {
      body: aTenant({ slug }),
      headers: { 'idempotency-key': key },
    });
    const again = await stack.api('POST', '/v1/tenants', {
      body: aTenant({ slug }),
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(await stack.pg(`SELECT 1 FROM "Tenant" WHERE slug = $1`, [slug])).toHaveLength(1);

    const other = await stack.api('POST', '/v1/tenants', {
      body: aTenant({ slug: uniqueSlug() }),
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(409);
    expect(other.body.error).toBe('IdempotencyKeyReused');
  });

  it('refuses a duplicate slug with 409', async () => {
    const slug = uniqueSlug('dup');
    expect((await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) })).status).toBe(202);
    const duplicate = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ error: 'SlugTaken' });
  });

  it('lets a viewer read but not mutate, and records who did what in the audit log', async () => {
    const issued = await stack.api('POST', '/v1/operator-tokens', { body: { name: 'auditor', role: 'viewer' } });
    expect(issued.status).toBe(201);
    expect(issued.body.token).toMatch(/^op_/);
    const viewer = issued.body.token as string;

    expect((await stack.api('GET', '/v1/tenants', { token: viewer })).status).toBe(200);
    const refused = await stack.api('POST', '/v1/tenants', { token: viewer, body: aTenant({ slug: uniqueSlug() }) });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('Forbidden');
    expect(
      (await stack.api('POST', '/v1/operator-tokens', { token: viewer, body: { name: 'x', role: 'admin' } })).status,
    ).toBe(403);

    const audit = await stack.api('GET', '/v1/audit-events?limit=5');
    const tokenEvent = audit.body.items.find((event: { action: string }) => event.action === 'operator-token.create');
    expect(tokenEvent).toMatchObject({
      actor: { name: 'bootstrap-admin' },
      target: { type: 'operator-token', id: issued.body.id },
    });
    expect(tokenEvent.requestId).toEqual(expect.any(String));
    expect(JSON.stringify(audit.body)).not.toContain(viewer);
  });

  it('issues tenant API keys once, lists them without secrets, and revokes them', async () => {
    const slug = uniqueSlug('keys');
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    const issued = await stack.api('POST', `/v1/tenants/${slug}/api-keys`, { body: { name: 'billing' } });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({ name: 'billing', prefix: issued.body.key.slice(0, 10) });

    const listed = await stack.api('GET', `/v1/tenants/${slug}/api-keys`);
    expect(listed.body.items).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(issued.body.key);
    const stored = await stack.pg<{ keyHash: string }>(`SELECT "keyHash" FROM "ApiKey" WHERE id = $1`, [
      issued.body.id,
    ]);
    expect(stored[0]!.keyHash).not.toContain(issued.body.key);

    expect((await stack.api('DELETE', `/v1/tenants/${slug}/api-keys/${issued.body.id}`)).status).toBe(204);
    expect((await stack.api('GET', `/v1/tenants/${slug}/api-keys`)).body.items).toHaveLength(0);
    expect((await stack.api('DELETE', `/v1/tenants/${slug}/api-keys/${issued.body.id}`)).status).toBe(404);
  });

  it('lists tenants page by page and filters by phase', async () => {
    const slugs = [uniqueSlug('page'), uniqueSlug('page'), uniqueSlug('page')];
    for (const slug of slugs) await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    const seen = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { body: { items: { slug: string }[]; nextCursor: string | null } } = await stack.api(
        'GET',
        `/v1/tenants?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      page.body.items.forEach((tenant) => seen.add(tenant.slug));
      cursor = page.body.nextCursor;
    } while (cursor);
    slugs.forEach((slug) => expect(seen).toContain(slug));
    const deleted = await stack.api('GET', '/v1/tenants?phase=Deleted&limit=200');
    expect(deleted.body.items.every((tenant: { status: { phase: string } }) => tenant.status.phase === 'Deleted')).toBe(
      true,
    );
  });

  it('passes the resolved tenant to workloads in a way callers cannot forge', async () => {
    const slug = uniqueSlug('proxy');
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    await stack.waitForReady(slug);
    const viaEdge = await stack.edge(`${slug}.localhost`, '/api/counter/v1/counters', {
      headers: { 'x-platform-tenant-slug': 'someone-else' },
    });
    // The edge's own signature is accepted (the forged slug was dropped); only the caller's credential is missing.
    expect(viaEdge.status).toBe(401);
    expect(JSON.parse(viaEdge.text)).toMatchObject({
      error: 'Unauthenticated',
      message: expect.stringContaining('Authorization'),
    });

    const direct = await fetch(`http://127.0.0.1:${stack.env.COUNTER_PORT}/v1/counters`, {
      headers: { 'x-platform-tenant-id': 'forged', 'x-platform-tenant-slug': slug, 'x-platform-signature': 'x' },
    });
    expect(direct.status).toBe(401);
    expect(await direct.json()).toMatchObject({ message: expect.stringContaining('through the edge') });
  });

  it('documents the API, answers probes, and guards the queue dashboard', async () => {
    const docs = await stack.api('GET', '/docs/openapi.json', { token: null });
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/v1/tenants', '/v1/tenants/{ref}', '/v1/jobs/{id}']),
    );
    expect(
      docs.body.paths['/v1/tenants'].post.requestBody.content['application/json'].schema.properties.slug,
    ).toBeDefined();

    expect((await stack.api('GET', '/health', { token: null })).status).toBe(200);
    expect((await stack.api('GET', '/ready', { token: null })).body).toEqual({
      status: 'ok',
      checks: { postgres: 'ok', redis: 'ok' },
    });

    const anonymous = await fetch(`${stack.controlPlaneUrl}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Basic');
    const basic = Buffer.from(`me:${stack.adminToken}`).toString('base64');
    const dashboard = await fetch(`${stack.controlPlaneUrl}/admin/queues`, {
      headers: { authorization: `Basic ${basic}` },
    });
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain('<html');
    const queues = await fetch(`${stack.controlPlaneUrl}/admin/queues/api/queues`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    expect(queues.status).toBe(200);
    expect(JSON.stringify(await queues.json())).toContain('provisioning');

    expect((await stack.edge('localhost', '/health')).status).toBe(200);
    expect((await stack.edge('nobody.localhost', '/health')).status).toBe(404);
  });
});
