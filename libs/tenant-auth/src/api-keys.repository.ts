import { Injectable } from '@nestjs/common';
import { type ApiKey, type Prisma, PrismaService } from '@platform/database';

const KEY_RECORD = { id: true, tenantId: true, revokedAt: true, scopes: true } as const;

@Injectable()
export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(
    tx: Prisma.TransactionClient,
    tenantId: string,
    key: { name: string; prefix: string; keyHash: string; scopes: string[] },
  ): Promise<ApiKey> {
    return tx.apiKey.create({ data: { tenantId, ...key } });
  }

  listActive(tenantId: string): Promise<ApiKey[]> {
    return this.prisma.apiKey.findMany({ where: { tenantId, revokedAt: null }, orderBy: { createdAt: 'asc' } });
  }

  findActive(tenantId: string, keyId: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findFirst({ where: { tenantId, id: keyId, revokedAt: null } });
  }

  async revoke(tx: Prisma.TransactionClient, tenantId: string, keyId: string): Promise<void> {
    await tx.apiKey.updateMany({ where: { tenantId, id: keyId }, data: { revokedAt: new Date() } });
  }

  findActiveByHash(tenantId: string, keyHash: string): Promise<ApiKey | null> {
    return this.prisma.apiKey.findFirst({ where: { tenantId, keyHash, revokedAt: null } });
  }

  /** Not tenant-scoped on purpose: a caller's key is looked up by hash to learn which tenant it belongs to. */
  findByHash(keyHash: string): Promise<Pick<ApiKey, 'id' | 'tenantId' | 'revokedAt' | 'scopes'> | null> {
    return this.prisma.apiKey.findUnique({ where: { keyHash }, select: KEY_RECORD });
  }

  findById(keyId: string): Promise<Pick<ApiKey, 'id' | 'tenantId' | 'revokedAt' | 'scopes'> | null> {
    return this.prisma.apiKey.findUnique({ where: { id: keyId }, select: KEY_RECORD });
  }
}
