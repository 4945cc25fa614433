import { Injectable } from '@nestjs/common';
import type { IdempotencyRecord, Prisma } from './generated/client.js';
import { PrismaService } from './prisma.service.js';

/** An Idempotency-Key header, on every route that takes one: 1-200 visible ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

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
