import { Stack, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

describe('Changes to many tenants at once, and to one tenant at once', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await Stack.start(['control-plane', 'provisioner']);
  }, 90_000);

  afterAll(() => stack.stop());

  it('accepts a burst of 100 onboardings (no 500 while the pool is busy), each with one job row and one audit entry', async () => {
    const slugs = Array.from({ length: 100 }, () => uniqueSlug('burst'));
    const answers = await Promise.all(
      slugs.map((slug) =>
        stack.api('POST', '/v1/tenants', { body: aTenant({ slug }), headers: { 'idempotency-key': `k-${slug}` } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(slugs.map(() => 202));
    expect(answers.map((answer) => answer.body.slug)).toEqual(slugs);

    const rows = await stack.pg<{ slug: string; jobs: number; audits: number; replays: number }>(
      `SELECT t.slug,
              (SELECT count(*)::int FROM "ProvisioningJob" j WHERE j."tenantId" = t.id AND j.generation = 1) AS jobs,
              (SELECT count(*)::int FROM "AuditEvent" a WHERE a."targetId" = t.id::text AND a.action = 'tenant.create') AS audits,
              (SELECT count(*)::int FROM "IdempotencyRecord" r WHERE r.key = 'k-' || t.slug) AS replays
         FROM "Tenant" t WHERE t.slug = ANY($1::text[]) ORDER BY t.slug`,
      [slugs],
    );
    expect(rows).toEqual([...slugs].sort().map((slug) => ({ slug, jobs: 1, audits: 1, replays: 1 })));

    await Promise.all(slugs.map((slug) => stack.waitForReady(slug, 120_000)));
  }, 180_000);

  it('gives each onboarding of a burst its own answer when some of them collide (they share one statement)', async () => {
    const taken = uniqueSlug('taken');
    const domain = `www.${taken}.example.com`;
    expect((await stack.api('POST', '/v1/tenants', { body: aTenant({ slug: taken, domains: [domain] }) })).status).toBe(
      202,
    );
    const good = Array.from({ length: 30 }, () => uniqueSlug('mixed'));
    const bodies = [
      ...good.map((slug) => aTenant({ slug })),
      aTenant({ slug: taken }),
      aTenant({ slug: uniqueSlug('mixed'), domains: [domain] }),
    ];
    const answers = await Promise.all(bodies.map((body) => stack.api('POST', '/v1/tenants', { body })));
    expect(answers.map((answer) => answer.status)).toEqual([...good.map(() => 202), 409, 409]);
    expect(answers.at(-2)!.body).toMatchObject({ error: 'SlugTaken' });
    expect(answers.at(-1)!.body).toMatchObject({ error: 'DomainTaken', details: { domains: [domain] } });
    const stored = await stack.pg<{ slug: string }>(`SELECT slug FROM "Tenant" WHERE slug = ANY($1::text[])`, [
      bodies.map((body) => body.slug),
    ]);
    expect(stored.map((row) => row.slug).sort()).toEqual([...good, taken].sort());
  });

  it('answers every copy of one idempotent POST sent at once with the same tenant, created once', async () => {
    const slug = uniqueSlug('same');
    const answers = await Promise.all(
      Array.from({ length: 10 }, () =>
        stack.api('POST', '/v1/tenants', { body: aTenant({ slug }), headers: { 'idempotency-key': `k-${slug}` } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(await stack.pg(`SELECT 1 FROM "Tenant" WHERE slug = $1`, [slug])).toHaveLength(1);
  });

  it('gives concurrent changes to one tenant distinct generations, each with its own job row and audit entry', async () => {
    const slug = uniqueSlug('busy');
    expect((await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) })).status).toBe(202);
    const names = Array.from({ length: 4 }, (_, index) => `Renamed ${index}`);
    const answers = await Promise.all(
      names.map((displayName) => stack.api('PATCH', `/v1/tenants/${slug}`, { body: { displayName } })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(names.map(() => 202));
    expect(answers.map((answer) => answer.body.generation).sort()).toEqual([2, 3, 4, 5]);

    const [{ id, generation }] = await stack.pg<{ id: string; generation: number }>(
      `SELECT id, generation FROM "Tenant" WHERE slug = $1`,
      [slug],
    );
    expect(generation).toBe(5);
    const jobs = await stack.pg<{ generation: number }>(
      `SELECT generation FROM "ProvisioningJob" WHERE "tenantId" = $1 ORDER BY generation`,
      [id],
    );
    expect(jobs.map((job) => job.generation)).toEqual([1, 2, 3, 4, 5]);
    const audits = await stack.pg<{ generation: number }>(
      `SELECT (details->>'generation')::int AS generation FROM "AuditEvent"
        WHERE "targetId" = $1 AND action = 'tenant.update' ORDER BY 1`,
      [id],
    );
    expect(audits.map((audit) => audit.generation)).toEqual([2, 3, 4, 5]);
  });

  it('moves domain claims with a change: released ones are free for others, kept and new ones are taken', async () => {
    const [first, second] = [uniqueSlug('dom'), uniqueSlug('dom')];
    const [kept, released, added] = ['kept', 'released', 'added'].map((name) => `${name}.${first}.example.com`);
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug: first, domains: [kept, released] }) });
    const changed = await stack.api('PATCH', `/v1/tenants/${first}`, { body: { domains: [kept, added] } });
    expect(changed.status).toBe(202);
    expect(changed.body.domains).toEqual([kept, added]);
    const claims = await stack.pg<{ hostname: string }>(
      `SELECT d.hostname FROM "TenantDomain" d JOIN "Tenant" t ON t.id = d."tenantId" WHERE t.slug = $1 ORDER BY 1`,
      [first],
    );
    expect(claims.map((claim) => claim.hostname)).toEqual([added, kept].sort());

    const taken = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug: second, domains: [added] }) });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ error: 'DomainTaken', details: { domains: [added] } });
    const free = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug: second, domains: [released] }) });
    expect(free.status).toBe(202);
  });

  it('offboards a tenant once however many DELETEs arrive together', async () => {
    const slug = uniqueSlug('gone');
    await stack.api('POST', '/v1/tenants', { body: aTenant({ slug }) });
    const answers = await Promise.all(Array.from({ length: 5 }, () => stack.api('DELETE', `/v1/tenants/${slug}`)));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
    const jobs = await stack.pg<{ kind: string }>(
      `SELECT j.kind FROM "ProvisioningJob" j JOIN "Tenant" t ON t.id = j."tenantId" WHERE t.slug = $1 ORDER BY j.generation`,
      [slug],
    );
    expect(jobs.map((job) => job.kind)).toEqual(['provision', 'deprovision']);
    await stack.waitForTenant(slug, (tenant) => tenant.status.phase === 'Deleted', 60_000);
  });
});
