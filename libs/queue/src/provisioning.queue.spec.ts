import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { PlatformConfig } from '@platform/config';
import { PROVISIONING_QUEUE, provisioningJobId } from './provisioning-job.contract.js';
import { ProvisioningQueue } from './provisioning.queue.js';
import { createRedis } from './redis-connection.js';

// Real Redis (REDIS_URL, else 127.0.0.1:6379), a prefix of its own per test.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

function configWith(prefix: string, enqueueWindowMs: number): PlatformConfig {
  return {
    redis: { url: REDIS_URL, prefix },
    provisioner: { enqueueWindowMs, maxAttempts: 3, backoffMs: 100 },
  } as unknown as PlatformConfig;
}

async function jobIdsUnder(prefix: string): Promise<string[]> {
  const connection = createRedis(REDIS_URL, 'worker');
  const reader = new Queue(PROVISIONING_QUEUE, { connection, prefix });
  try {
    const jobs = await reader.getJobs(['waiting', 'prioritized', 'delayed']);
    return jobs.map((job) => job.id!).sort();
  } finally {
    await reader.obliterate({ force: true });
    await reader.close();
    connection.disconnect();
  }
}

describe(ProvisioningQueue.name, () => {
  it('sends the jobs of one window together, one per (tenant, generation) however often it is asked', async () => {
    const prefix = `test-pq-${randomUUID()}`;
    const sut = new ProvisioningQueue(configWith(prefix, 5));
    const tenants = Array.from({ length: 20 }, () => randomUUID());

    const results = await Promise.all([
      ...tenants.map((tenantId) => sut.enqueue('provision', tenantId, 1)),
      sut.enqueue('provision', tenants[0]!, 1),
    ]);
    await sut.onModuleDestroy();

    expect(results.every((result) => result.queued)).toBe(true);
    expect(await jobIdsUnder(prefix)).toEqual(tenants.map((tenantId) => provisioningJobId(tenantId, 1)).sort());
  });

  it.each([
    ['still waiting for its window', 60_000],
    ['on its way to Redis', 0],
  ])('sends, before shutting down, what callers handed over without waiting (%s)', async (_, windowMs) => {
    const prefix = `test-pq-${randomUUID()}`;
    const sut = new ProvisioningQueue(configWith(prefix, windowMs));
    const tenants = Array.from({ length: 5 }, () => randomUUID());

    for (const tenantId of tenants) void sut.enqueue('deprovision', tenantId, 2);
    // With no window the batch leaves on the next turn: shut down while it is in flight.
    await new Promise((resolve) => setImmediate(resolve));
    await sut.onModuleDestroy();

    expect(await jobIdsUnder(prefix)).toEqual(tenants.map((tenantId) => provisioningJobId(tenantId, 2)).sort());
  });
});
