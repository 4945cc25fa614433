import { Injectable } from '@nestjs/common';
import type { IdempotencyRecord, Prisma } from './generated/client.js';
import { PrismaService } from './prisma.service.js';

/** The admin API's Idempotency-Key records (onboardings, minted keys and tokens), per caller and key. */
@Injectable()
export class IdempotencyRecordsRepository {
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
