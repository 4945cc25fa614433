import type { PlatformConfig } from '@platform/config';
import { PrismaService } from '@platform/database';
import { type DesiredRoute, RoutesRepository } from '@platform/routing';
import { Stack, uniqueSlug } from './support/stack.js';
import { aTenant } from './support/tenant.factory.js';

let stack: Stack;
let prisma: PrismaService;
let sut: RoutesRepository;

beforeAll(async () => {
  // No provisioner: the test plays the job itself, with the spec it read before the domain moved.
  stack = await Stack.start(['control-plane']);
  prisma = new PrismaService({ database: { url: stack.env.DATABASE_URL!, poolMax: 2 } } as PlatformConfig);
  sut = new RoutesRepository(prisma);
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await stack?.stop();
});

function routesOf(slug: string, hostnames: string[]): DesiredRoute[] {
  return hostnames.map((hostname) => ({
    hostname,
    slug,
    state: 'active',
    landingAsset: 'landing-0.html',
    suspendedAsset: 'suspended-0.html',
  }));
}

async function onboard(slug: string, domains: string[]): Promise<string> {
  const answer = await stack.api('POST', '/v1/tenants', { body: aTenant({ slug, domains }) });
  expect(answer.status).toBe(202);
  return answer.body.id as string;
}

async function routeOwners(hostnames: string[]): Promise<Record<string, string>> {
  const rows = await stack.pg<{ hostname: string; tenantId: string }>(
    'SELECT hostname, "tenantId" FROM "Route" WHERE hostname = ANY($1)',
    [hostnames],
  );
  return Object.fromEntries(rows.map((row) => [row.hostname, row.tenantId]));
}

describe('a provisioning job writes only hostnames its tenant owns', () => {
  it('a job with an older spec does not route a domain that moved to another tenant', async () => {
    const [slugA, slugB] = [uniqueSlug('own-a'), uniqueSlug('own-b')];
    const domain = `${uniqueSlug('shop')}.example.com`;
    const tenantA = await onboard(slugA, [domain]);
    const staleSpecOfA = routesOf(slugA, [`${slugA}.localhost`, domain]);
    await prisma.$transaction((tx) => sut.replaceForTenant(tx, tenantA, staleSpecOfA, `${slugA}.localhost`));
    expect(await routeOwners([domain])).toEqual({ [domain]: tenantA });

    expect((await stack.api('PATCH', `/v1/tenants/${slugA}`, { body: { domains: [] } })).status).toBe(202);
    const tenantB = await onboard(slugB, [domain]);
    // A's job from before the move runs late, still holding the domain in its spec.
    const late = await prisma.$transaction((tx) =>
      sut.replaceForTenant(tx, tenantA, staleSpecOfA, `${slugA}.localhost`),
    );

    expect(late.notOwned).toEqual([domain]);
    expect(await routeOwners([domain, `${slugA}.localhost`])).toEqual({ [`${slugA}.localhost`]: tenantA });

    const fromB = await prisma.$transaction((tx) =>
      sut.replaceForTenant(tx, tenantB, routesOf(slugB, [`${slugB}.localhost`, domain]), `${slugB}.localhost`),
    );
    expect(fromB.notOwned).toEqual([]);
    expect(await routeOwners([domain])).toEqual({ [domain]: tenantB });

    // And A's stale job, once more, leaves B's route alone.
    await prisma.$transaction((tx) => sut.replaceForTenant(tx, tenantA, staleSpecOfA, `${slugA}.localhost`));
    expect(await routeOwners([domain])).toEqual({ [domain]: tenantB });
  });

  it('a domain no tenant holds any more is not routed', async () => {
    const slug = uniqueSlug('own-c');
    const domain = `${uniqueSlug('gone')}.example.com`;
    const tenant = await onboard(slug, []);
    const result = await prisma.$transaction((tx) =>
      sut.replaceForTenant(tx, tenant, routesOf(slug, [`${slug}.localhost`, domain]), `${slug}.localhost`),
    );
    expect(result.notOwned).toEqual([domain]);
    expect(await routeOwners([domain])).toEqual({});
  });
});
