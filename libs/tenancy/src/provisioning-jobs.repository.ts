import { Injectable } from '@nestjs/common';
import { type JobKind, type Prisma, PrismaService, type ProvisioningJob } from '@platform/database';

/** Postgres keeps the history of every provisioning job, so it survives a Redis flush. */
@Injectable()
export class ProvisioningJobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async create(
    tx: Prisma.TransactionClient,
    job: { id: string; tenantId: string; generation: number; kind: JobKind; requestedBy: string },
  ): Promise<void> {
    await tx.provisioningJob.create({ data: job });
  }

  findById(jobId: string): Promise<ProvisioningJob | null> {
    return this.prisma.provisioningJob.findUnique({ where: { id: jobId } });
  }

  listForTenant(tenantId: string, limit: number): Promise<ProvisioningJob[]> {
    return this.prisma.provisioningJob.findMany({ where: { tenantId }, orderBy: { generation: 'desc' }, take: limit });
  }

  async markActive(jobId: string, attempt: number): Promise<void> {
    await this.prisma.provisioningJob.updateMany({
      where: { id: jobId },
      data: { state: 'active', attempts: attempt, startedAt: new Date(), failedReason: null },
    });
  }

  async markFinished(jobId: string, outcome: { state: 'completed' | 'failed' | 'queued'; failedReason?: string }) {
    await this.prisma.provisioningJob.updateMany({
      where: { id: jobId },
      data: {
        state: outcome.state,
        failedReason: outcome.failedReason ?? null,
        ...(outcome.state === 'queued' ? {} : { finishedAt: new Date() }),
      },
    });
  }
}
