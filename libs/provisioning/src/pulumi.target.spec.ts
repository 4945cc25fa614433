import type { ConditionUpdate, TenantSpec } from '@platform/tenancy';
import { type RecordedResource, recordProgram, revealSecret } from '../../../pulumi/testing/recording-mocks.js';
import { aTenantSpec } from '../../../pulumi/testing/tenant-fixtures.js';
import type { PulumiAutomation, PulumiFn, StackConfig, StackOutputs, TenantStackHandle } from './pulumi-automation.js';
import { PulumiOperationError, PulumiStackLockedError } from './pulumi.errors.js';
import {
  PulumiTarget,
  type TenantCredentialsSource,
  type WorkloadsStatusReader,
  tenantStackConfig,
} from './pulumi.target.js';
import { classifyFailure } from './provisioning.errors.js';
import type { ConvergeResult, ProvisioningTarget } from './provisioning-target.js';

type Operation = 'refresh' | 'up' | 'destroy' | 'cancel';

/** What the Automation API's CommandError carries: the command's exit code, stdout and stderr. */
function commandError(stderr: string): Error {
  return new Error(`code: 255\n stdout: Updating (tenant-acme):\n\n stderr: ${stderr}\n err?: `);
}
const CLOUD_LOCK = commandError('error: [409] Conflict: Another update is currently in progress.');
const SELF_MANAGED_LOCK = commandError(
  'error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n' +
    '  gs://platform-state/.pulumi/locks/organization/tenant/tenant-acme/5d0c1e2f.json: created by worker@provisioner-7b9 (pid 41) at 2026-11-25T08:01:10Z',
);

/** A stack whose `up` runs the real inline program under Pulumi mocks; failures are scripted per operation. */
class FakeStack implements TenantStackHandle {
  readonly operations: Operation[] = [];
  resources: RecordedResource[] = [];
  config: StackConfig = {};
  private readonly failures: Partial<Record<Operation, Error[]>> = {};

  constructor(
    readonly name: string,
    private readonly program: PulumiFn,
  ) {}

  failNext(operation: Operation, ...errors: Error[]): this {
    this.failures[operation] = errors;
    return this;
  }

  async setConfig(config: StackConfig): Promise<void> {
    this.config = { ...this.config, ...config };
  }

  async refresh(): Promise<void> {
    this.step('refresh');
  }

  async up(): Promise<StackOutputs> {
    this.step('up');
    // As the Automation API would: the program reads the stack's config under the project's name.
    const entries = Object.entries(this.config).map(([key, setting]) => [`tenant:${key}`, setting] as const);
    const run = await recordProgram(async () => (await this.program()) ?? {}, {
      values: Object.fromEntries(entries.map(([key, { value }]) => [key, value])),
      secretKeys: entries.filter(([, { secret }]) => secret).map(([key]) => key),
    });
    this.resources = run.resources;
    return run.outputs;
  }

  async destroy(): Promise<void> {
    this.step('destroy');
  }

  async cancel(): Promise<void> {
    this.step('cancel');
  }

  private step(operation: Operation): void {
    this.operations.push(operation);
    const failure = this.failures[operation]?.shift();
    if (failure) throw failure;
  }
}

class FakeAutomation implements PulumiAutomation {
  readonly stacks = new Map<string, FakeStack>();
  readonly removed: string[] = [];
  private script: (stack: FakeStack) => void = () => undefined;

  /** Scripts the next stack that gets selected. */
  onNextStack(script: (stack: FakeStack) => void): this {
    this.script = script;
    return this;
  }

  async selectStack(stackName: string, program: PulumiFn): Promise<FakeStack> {
    const stack = new FakeStack(stackName, program);
    this.script(stack);
    this.script = () => undefined;
    this.stacks.set(stackName, stack);
    return stack;
  }

  async removeStack(stackName: string): Promise<void> {
    this.removed.push(stackName);
  }
}

class FakeWorkloads implements WorkloadsStatusReader {
  readonly namespaces: string[] = [];
  async read(namespace: string): Promise<ConditionUpdate> {
    this.namespaces.push(namespace);
    return {
      type: 'WorkloadsReady',
      status: 'True',
      reason: 'DeploymentsAvailable',
      message: 'counter 2/2 available, 2/2 updated',
    };
  }
}

/** Stands in for the local target's database work: records which tenants have their data. */
class FakeTenantData implements ProvisioningTarget {
  readonly name = 'fake-tenant-data';
  readonly tenants = new Set<string>();
  async converge(spec: TenantSpec): Promise<ConvergeResult> {
    this.tenants.add(spec.slug);
    return {
      conditions: [
        { type: 'WorkloadsReady', status: 'True', reason: 'SharedWorkloads', message: 'not on this target' },
      ],
    };
  }
  async teardown(spec: TenantSpec): Promise<void> {
    this.tenants.delete(spec.slug);
  }
}

const SETTINGS = {
  platformDomain: 'saas.example.com',
  platformStack: 'organization/platform/prod',
  imageTag: '2026.11.25',
  databaseName: 'platform',
  refresh: false,
  databaseUrl: 'postgresql://platform:platform-secret@10.20.0.3:5432/platform?sslmode=require',
  siloDatabaseUrl:
    'postgresql://platform:platform-secret@silo.sql.example:5432/postgres?sslmode=verify-full&sslrootcert=%2Fetc%2Fplatform%2Fca%2Fsilo.pem',
};

const CREDENTIAL = { databasePassword: 'tenant-db-password', tokenSigningKey: 'k'.repeat(43) };
const credentials: TenantCredentialsSource = { find: async () => CREDENTIAL };

describe(PulumiTarget.name, () => {
  let automation: FakeAutomation;
  let workloads: FakeWorkloads;
  let tenantData: FakeTenantData;
  let sut: PulumiTarget;

  beforeEach(() => {
    automation = new FakeAutomation();
    workloads = new FakeWorkloads();
    tenantData = new FakeTenantData();
    sut = new PulumiTarget(automation, workloads, SETTINGS, tenantData, credentials);
  });

  const stack = (slug = 'acme') => automation.stacks.get(`tenant-${slug}`) as FakeStack;

  it('converges a tenant in stack tenant-<slug> and reports what the stack made', async () => {
    const result = await sut.converge(aTenantSpec({ slug: 'acme', domains: ['shop.acme.example'] }));
    expect(result.conditions).toEqual([
      {
        type: 'Provisioned',
        status: 'True',
        reason: 'StackUpdated',
        message: expect.stringMatching(
          /^Stack tenant-acme is up to date: namespace tenant-acme, CDN bucket tenant-acme-assets-[0-9a-f]{8}, https:\/\/acme\.saas\.example\.com\/$/,
        ),
      },
      {
        type: 'DnsReady',
        status: 'True',
        reason: 'RecordsPublished',
        message: 'acme.saas.example.com. A 203.0.113.10; shop.acme.example needs CNAME acme.saas.example.com.',
      },
      {
        type: 'WorkloadsReady',
        status: 'True',
        reason: 'DeploymentsAvailable',
        message: 'counter 2/2 available, 2/2 updated',
      },
    ]);
    expect(workloads.namespaces).toEqual(['tenant-acme']);
    expect(stack().operations).toEqual(['up']);
    expect(tenantData.tenants).toEqual(new Set(['acme']));
  });

  it("builds the program from the platform stack and the tenant's database names", async () => {
    await sut.converge(aTenantSpec({ slug: 'acme' }));
    const reference = stack().resources.find((resource) => resource.type === 'pulumi:pulumi:StackReference');
    expect(reference?.inputs).toMatchObject({ name: 'organization/platform/prod' });
    const secret = stack().resources.find((resource) => resource.type === 'kubernetes:core/v1:Secret');
    // What the provisioner set on the stack reaches the tenant's Secret; nothing of the platform's does.
    expect(revealSecret(secret?.inputs.stringData)).toEqual({
      secret: true,
      value: {
        DATABASE_URL: expect.stringMatching(
          /^postgresql:\/\/t_acme_r[0-9a-f]{8}_l:tenant-db-password@10\.20\.0\.3:5432\/platform\?sslmode=verify-full$/,
        ),
        REDIS_URL: 'rediss://:mock-redis-auth-string@10.30.0.4:6378',
        TENANT_TOKEN_SIGNING_KEY: CREDENTIAL.tokenSigningKey,
      },
    });
    expect(JSON.stringify(stack().resources)).not.toContain('platform-secret');
    const deployment = stack().resources.find((resource) => resource.type === 'kubernetes:apps/v1:Deployment');
    expect(JSON.stringify(deployment?.inputs)).toMatch(/@sha256:[0-9a-f]{64}/);
  });

  it("sets the tenant's own credentials as stack config, secrets as secrets, and nothing of the platform's", async () => {
    const spec = aTenantSpec({ slug: 'acme' });
    await sut.converge(spec);
    const config = stack().config;
    expect(config).toEqual({
      tenantDatabaseUrl: { value: expect.any(String), secret: true },
      tenantTokenSigningKey: { value: CREDENTIAL.tokenSigningKey, secret: true },
      tenantRedisPrefix: { value: `t:${spec.tenantId}:`, secret: false },
    });
    const url = new URL(config.tenantDatabaseUrl!.value);
    expect(url.username).toMatch(/^t_acme_r[0-9a-f]{8}_l$/);
    expect(url.password).toBe(CREDENTIAL.databasePassword);
    expect(`${url.host}${url.pathname}${url.search}`).toBe('10.20.0.3:5432/platform?sslmode=verify-full');
    expect(JSON.stringify(config)).not.toContain('platform-secret');
  });

  it("points a silo tenant's Secret at its own database on the silo instance, with its own login role", async () => {
    const spec = aTenantSpec({ slug: 'globex', tier: 'enterprise' });
    await sut.converge(spec);
    const secret = stack('globex').resources.find((resource) => resource.type === 'kubernetes:core/v1:Secret');
    const url = new URL((revealSecret(secret?.inputs.stringData).value as { DATABASE_URL: string }).DATABASE_URL);
    expect(spec.placement.model).toBe('silo');
    expect(url.pathname).toBe(`/${spec.placement.model === 'silo' ? spec.placement.database : ''}`);
    expect(url.hostname).toBe('silo.mock-cloud-sql.example');
    expect([url.username, url.password, url.search]).toEqual([
      expect.stringMatching(/^t_globex_r[0-9a-f]{8}_l$/),
      CREDENTIAL.databasePassword,
      '?sslmode=verify-full',
    ]);
    // The provisioner made the database; the stack declares none.
    expect(stack('globex').resources.filter((resource) => resource.type === 'gcp:sql/database:Database')).toEqual([]);
  });

  it('refreshes before up only when configured to', async () => {
    sut = new PulumiTarget(automation, workloads, { ...SETTINGS, refresh: true }, tenantData, credentials);
    await sut.converge(aTenantSpec());
    expect(stack().operations).toEqual(['refresh', 'up']);
  });

  it.each([
    ['Pulumi Cloud', CLOUD_LOCK],
    ['a self-managed backend', SELF_MANAGED_LOCK],
  ])('cancels a lock a crashed worker left on %s and carries on', async (_backend, lock) => {
    automation.onNextStack((next) => next.failNext('up', lock));
    const result = await sut.converge(aTenantSpec());
    expect(stack().operations).toEqual(['up', 'cancel', 'up']);
    expect(result.conditions.map((condition) => condition.status)).toEqual(['True', 'True', 'True']);
  });

  it('fails retryably, saying so, when the stack stays locked after cancel', async () => {
    automation.onNextStack((next) => next.failNext('up', CLOUD_LOCK, CLOUD_LOCK));
    const error = await sut.converge(aTenantSpec()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PulumiStackLockedError);
    expect(classifyFailure(error)).toEqual({
      terminal: false,
      reason: 'ProvisioningError',
      message: 'Stack tenant-acme is locked by another update (still locked after cancelling it); will retry',
    });
  });

  it('fails retryably when cancel itself fails', async () => {
    automation.onNextStack((next) =>
      next
        .failNext('up', SELF_MANAGED_LOCK)
        .failNext('cancel', commandError('error: could not reach gs://platform-state')),
    );
    const error = await sut.converge(aTenantSpec()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PulumiStackLockedError);
    expect(classifyFailure(error)).toMatchObject({
      terminal: false,
      message: expect.stringContaining('cancel failed: could not reach gs://platform-state'),
    });
  });

  it("reports a failed up with Pulumi's own error lines, without cancelling anything", async () => {
    const quota = commandError(
      "  gcp:compute:GlobalAddress (tenant-acme-ingress-ip):\n    error: googleapi: Error 403: Quota 'GLOBAL_ADDRESSES' exceeded. Limit: 100.0 globally., quotaExceeded\n\nerror: update failed",
    );
    automation.onNextStack((next) => next.failNext('up', quota));
    const error = await sut.converge(aTenantSpec()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PulumiOperationError);
    expect(classifyFailure(error)).toEqual({
      terminal: false,
      reason: 'ProvisioningError',
      message:
        "pulumi up failed for stack tenant-acme: googleapi: Error 403: Quota 'GLOBAL_ADDRESSES' exceeded. Limit: 100.0 globally., quotaExceeded; update failed",
    });
    expect(stack().operations).toEqual(['up']);
  });

  it("tears down by destroying the stack, removing it, then the tenant's data; a second teardown is harmless", async () => {
    await sut.converge(aTenantSpec({ slug: 'acme' }));
    await sut.teardown(aTenantSpec({ slug: 'acme', state: 'deleted' }));
    expect(stack().operations).toEqual(['destroy']);
    expect(tenantData.tenants.size).toBe(0);
    await sut.teardown(aTenantSpec({ slug: 'acme', state: 'deleted' }));
    expect(automation.removed).toEqual(['tenant-acme', 'tenant-acme']);
  });

  it('recovers a locked stack on teardown too', async () => {
    automation.onNextStack((next) => next.failNext('destroy', CLOUD_LOCK));
    await sut.teardown(aTenantSpec({ state: 'deleted' }));
    expect(stack().operations).toEqual(['destroy', 'cancel', 'destroy']);
    expect(automation.removed).toEqual(['tenant-acme']);
  });

  it("keeps the stack and the tenant's data when destroy fails, so the next attempt can finish it", async () => {
    await sut.converge(aTenantSpec());
    automation.onNextStack((next) =>
      next.failNext(
        'destroy',
        commandError('error: deleting bucket: googleapi: Error 409: The bucket you tried to delete is not empty.'),
      ),
    );
    await expect(sut.teardown(aTenantSpec({ state: 'deleted' }))).rejects.toThrow(
      'pulumi destroy failed for stack tenant-acme',
    );
    expect(automation.removed).toEqual([]);
    expect(tenantData.tenants).toEqual(new Set(['acme']));
  });
});

describe(tenantStackConfig.name, () => {
  const urlOf = (config: StackConfig) => new URL(config.tenantDatabaseUrl!.value);

  it("names a pooled tenant's login role on the platform's server and database", () => {
    const url = urlOf(tenantStackConfig(aTenantSpec({ slug: 'acme', tier: 'business' }), CREDENTIAL, SETTINGS));
    expect(url.toString()).toMatch(
      /^postgresql:\/\/t_acme_r[0-9a-f]{8}_l:tenant-db-password@10\.20\.0\.3:5432\/platform\?sslmode=verify-full$/,
    );
  });

  it("names a silo tenant's login role on the silo server (SILO_DATABASE_URL) and its own database", () => {
    const spec = aTenantSpec({ slug: 'globex', tier: 'enterprise' });
    const url = urlOf(tenantStackConfig(spec, CREDENTIAL, SETTINGS));
    expect(url.host).toBe('silo.sql.example:5432');
    expect(url.pathname).toMatch(/^\/t_globex_d[0-9a-f]{8}$/);
    expect(url.pathname.slice(1)).toBe(spec.placement.model === 'silo' ? spec.placement.database : undefined);
    expect(url.username).toBe(
      urlOf(tenantStackConfig(aTenantSpec({ slug: 'globex', tier: 'business' }), CREDENTIAL, SETTINGS)).username,
    );
    expect(url.password).toBe(CREDENTIAL.databasePassword);
    // Only `sslmode` is kept: the platform user's CA file path means nothing in the tenant's pods.
    expect(url.search).toBe('?sslmode=verify-full');
    expect(url.toString()).not.toContain('platform-secret');
  });

  it("uses DATABASE_URL's server for a silo tenant when no silo server is configured apart", () => {
    const spec = aTenantSpec({ slug: 'globex', tier: 'enterprise' });
    const url = urlOf(tenantStackConfig(spec, CREDENTIAL, { ...SETTINGS, siloDatabaseUrl: SETTINGS.databaseUrl }));
    expect(url.host).toBe('10.20.0.3:5432');
    expect(url.pathname).toMatch(/^\/t_globex_d[0-9a-f]{8}$/);
  });
});
