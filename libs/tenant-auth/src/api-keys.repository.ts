import { Injectable } from '@nestjs/common';
import { type ApiKey, type Prisma, PrismaService } from '@platform/database';

const KEY_RECORD = { id: true, tenantId: true, revokedAt: true, scopes: true } as const;
export type KeyRecord = Pick<ApiKey, 'id' | 'tenantId' | 'revokedAt' | 'scopes'>;

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

  /**
   * Not tenant-scoped on purpose: callers' keys are looked up by hash to learn which tenant each
   * belongs to. Answers the keys found, by hash.
   */
  async findByHashes(keyHashes: string[]): Promise<Map<string, KeyRecord>> {
    const keys = await this.prisma.apiKey.findMany({
      where: { keyHash: { in: keyHashes } },
      select: { ...KEY_RECORD, keyHash: true },
    });
    return new Map(keys.map(({ keyHash, ...key }) => [keyHash, key]));
  }

  /** The keys found, by id. */
  async findByIds(keyIds: string[]): Promise<Map<string, KeyRecord>> {
    const keys = await this.prisma.apiKey.findMany({ where: { id: { in: keyIds } }, select: KEY_RECORD });
    return new Map(keys.map((key) => [key.id, key]));
  }
}
