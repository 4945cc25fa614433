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

  /**
   * The tenant's credentials, made on first use; concurrent callers all get the one stored. The row
   * stays locked until the caller's transaction ends, so a rotation waits for a converge that is
   * setting the password (or the converge reads the rotated one): the role never ends up with a
   * password other than the stored one.
   */
  async ensure(tx: Prisma.TransactionClient, tenantId: string): Promise<TenantCredential> {
    await tx.tenantCredential.createMany({
      data: [{ tenantId, databasePassword: newSecret(), tokenSigningKey: newSecret() }],
      skipDuplicates: true,
    });
    const rows = await tx.$queryRaw<TenantCredential[]>`
      SELECT "tenantId", "databasePassword", "tokenSigningKey", "rotatedAt" FROM "TenantCredential"
       WHERE "tenantId" = ${tenantId}::uuid FOR UPDATE`;
    return rows[0]!;
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
