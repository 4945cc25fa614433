import { Injectable } from '@nestjs/common';
import { type OperatorRole, type OperatorToken, type Prisma, PrismaService } from '@platform/database';

@Injectable()
export class OperatorTokensRepository {
  constructor(private readonly prisma: PrismaService) {}

  findActiveByHash(tokenHash: string): Promise<OperatorToken | null> {
    return this.prisma.operatorToken.findFirst({ where: { tokenHash, revokedAt: null } });
  }

  create(
    tx: Prisma.TransactionClient,
    token: { name: string; role: OperatorRole; prefix: string; tokenHash: string },
  ): Promise<OperatorToken> {
    return tx.operatorToken.create({ data: token });
  }

  async ensure(token: { name: string; role: OperatorRole; prefix: string; tokenHash: string }): Promise<void> {
    await this.prisma.operatorToken.upsert({ where: { tokenHash: token.tokenHash }, update: {}, create: token });
  }
}
