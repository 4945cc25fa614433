import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AuditService } from '@platform/audit';
import { type ApiKey, IdempotencyRecordsRepository, PrismaService } from '@platform/database';
import { DomainError } from '@platform/errors';
import { type Operator, issueOnce } from '@platform/operator-auth';
import { issueSecret } from '@platform/secrets';
import { TenantsService } from '@platform/tenancy';
import { ApiKeysRepository } from './api-keys.repository.js';
import { TENANT_SCOPES, type TenantScope, tenantScopesOf, tenantScopesSchema } from './tenant-scopes.js';
import { TenantKeyMirrorRepository } from './tenant-key-mirror.repository.js';

export const createApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    // Default: everything a tenant can call.
    scopes: tenantScopesSchema.default([...TENANT_SCOPES]),
  })
  .strict();
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: TenantScope[];
  createdAt: string;
}

export interface IssuedApiKey extends ApiKeyView {
  key: string;
}

@Injectable()
export class ApiKeysService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: ApiKeysRepository,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    private readonly issued: IdempotencyRecordsRepository,
    private readonly mirror: TenantKeyMirrorRepository,
  ) {}

  /**
   * The secret is in this answer only; Postgres keeps its hash. Under an Idempotency-Key a retry
   * issues nothing and answers `409 AlreadyIssued` with the first key's id (see `issueOnce`).
   */
  async issue(
    operator: Operator,
    tenantRef: string,
    input: CreateApiKeyInput,
    idempotencyKey?: string,
  ): Promise<IssuedApiKey> {
    const tenant = this.tenants.requireLive(await this.tenants.find(tenantRef));
    const { scopes } = input;
    const request = { operator, scope: `api-key:${tenant.id}`, idempotencyKey, input };
    return issueOnce(this.prisma, this.issued, request, async (tx) => {
      const { secret, prefix, hash } = issueSecret('tk');
      const created = await this.keys.create(tx, tenant.id, { name: input.name, prefix, keyHash: hash, scopes });
      await this.mirror.record(tx, tenant.slug, created);
      await this.audit.record(
        tx,
        operator,
        'api-key.create',
        { type: 'tenant', id: tenant.id },
        {
          apiKeyId: created.id,
          name: input.name,
          scopes,
        },
      );
      const view = toView(created);
      return { issued: { ...view, key: secret }, record: { ...view } };
    });
  }

  async list(tenantRef: string): Promise<{ items: ApiKeyView[] }> {
    const tenant = await this.tenants.find(tenantRef);
    return { items: (await this.keys.listActive(tenant.id)).map(toView) };
  }

  async revoke(operator: Operator, tenantRef: string, keyId: string): Promise<void> {
    const tenant = await this.tenants.find(tenantRef);
    const key = z.uuid().safeParse(keyId).success ? await this.keys.findActive(tenant.id, keyId) : null;
    if (!key) throw new DomainError('ApiKeyNotFound', `Tenant ${tenant.slug} has no active API key ${keyId}`);
    await this.prisma.$transaction(async (tx) => {
      await this.keys.revoke(tx, tenant.id, key.id);
      await this.mirror.record(tx, tenant.slug, { ...key, revokedAt: new Date() });
      await this.audit.record(tx, operator, 'api-key.revoke', { type: 'tenant', id: tenant.id }, { apiKeyId: key.id });
    });
  }
}

function toView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: tenantScopesOf(key.scopes),
    createdAt: key.createdAt.toISOString(),
  };
}
