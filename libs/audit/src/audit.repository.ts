import { Injectable } from '@nestjs/common';
import { type AuditEvent, type Prisma, PrismaService } from '@platform/database';

export interface AuditEntry {
  actorId: string;
  actorName: string;
  requestId: string | null;
  action: string;
  targetType: string;
  targetId: string;
  details?: Prisma.InputJsonValue;
}

export interface AuditPageQuery {
  limit: number;
  cursor?: bigint;
  targetId?: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Written in the caller's transaction, so a mutation and its audit entry commit together. */
  async append(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
    await tx.auditEvent.create({ data: entry });
  }

  page(query: AuditPageQuery): Promise<AuditEvent[]> {
    return this.prisma.auditEvent.findMany({
      where: {
        ...(query.targetId ? { targetId: query.targetId } : {}),
        ...(query.cursor !== undefined ? { id: { lt: query.cursor } } : {}),
      },
      orderBy: { id: 'desc' },
      take: query.limit,
    });
  }
}
