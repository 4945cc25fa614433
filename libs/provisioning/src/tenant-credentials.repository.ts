import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { type Prisma, PrismaService, type TenantCredential } from '@platform/database';

/** 256 random bits, base64url: a database password and an HS256 key alike. */
function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** A tenant's own database password and JWT key; only provisioning code reads them. */
@Injectable()
export class TenantCredentialsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The tenant's credentials, made on first use; concurrent callers all get the one stored. */
  async ensure(tx: Prisma.TransactionClient, tenantId: string): Promise<TenantCredential> {
    await tx.tenantCredential.createMany({
      data: [{ tenantId, databasePassword: newSecret(), tokenSigningKey: newSecret() }],
      skipDuplicates: true,
    });
    return tx.tenantCredential.findUniqueOrThrow({ where: { tenantId } });
  }

  rotate(tx: Prisma.TransactionClient, tenantId: string): Promise<TenantCredential> {
    const fresh = { databasePassword: newSecret(), tokenSigningKey: newSecret(), rotatedAt: new Date() };
    return tx.tenantCredential.upsert({ where: { tenantId }, create: { tenantId, ...fresh }, update: fresh });
  }

  find(tenantId: string): Promise<TenantCredential | null> {
    return this.prisma.tenantCredential.findUnique({ where: { tenantId } });
  }

  async remove(tx: Prisma.TransactionClient, tenantId: string): Promise<void> {
    await tx.tenantCredential.deleteMany({ where: { tenantId } });
  }
}
