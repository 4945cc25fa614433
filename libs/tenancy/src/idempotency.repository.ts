import { Injectable } from '@nestjs/common';
import { type IdempotencyRecord, type Prisma, PrismaService } from '@platform/database';

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly prisma: PrismaService) {}

  find(actorId: string, key: string): Promise<IdempotencyRecord | null> {
    return this.prisma.idempotencyRecord.findUnique({ where: { actorId_key: { actorId, key } } });
  }

  async save(
    tx: Prisma.TransactionClient,
    record: { actorId: string; key: string; requestHash: string; status: number; body: Prisma.InputJsonValue },
  ): Promise<void> {
    await tx.idempotencyRecord.create({ data: record });
  }
}
