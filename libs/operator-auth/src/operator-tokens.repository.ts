import { Injectable } from '@nestjs/common';
import { type OperatorRole, type OperatorToken, type Prisma, PrismaService } from '@platform/database';

export interface NewOperatorToken {
  name: string;
  role: OperatorRole;
  prefix: string;
  tokenHash: string;
  expiresAt?: Date | null;
}

@Injectable()
export class OperatorTokensRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Neither revoked nor expired: read on every request, so a revocation holds at once on every replica. */
  findActiveByHash(tokenHash: string): Promise<OperatorToken | null> {
    return this.prisma.operatorToken.findFirst({
      where: { tokenHash, revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: new Date() } }] },
    });
  }

  list(): Promise<OperatorToken[]> {
    return this.prisma.operatorToken.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
  }

  findUnrevoked(id: string): Promise<OperatorToken | null> {
    return this.prisma.operatorToken.findFirst({ where: { id, revokedAt: null } });
  }

  create(tx: Prisma.TransactionClient, token: NewOperatorToken): Promise<OperatorToken> {
    return tx.operatorToken.create({ data: token });
  }

  async revoke(tx: Prisma.TransactionClient, id: string): Promise<void> {
    await tx.operatorToken.update({ where: { id }, data: { revokedAt: new Date() } });
  }

  /**
   * Registers the ADMIN_TOKEN as the one bootstrap token: any earlier one still active is revoked
   * (answered, for the audit log). A token revoked through the API stays revoked across restarts.
   */
  async replaceBootstrap(tx: Prisma.TransactionClient, token: NewOperatorToken): Promise<OperatorToken[]> {
    const earlier = await tx.operatorToken.findMany({
      where: { bootstrap: true, revokedAt: null, tokenHash: { not: token.tokenHash } },
    });
    await tx.operatorToken.updateMany({
      where: { id: { in: earlier.map((row) => row.id) } },
      data: { revokedAt: new Date() },
    });
    await tx.operatorToken.upsert({
      where: { tokenHash: token.tokenHash },
      update: {},
      create: { ...token, bootstrap: true },
    });
    return earlier;
  }
}
