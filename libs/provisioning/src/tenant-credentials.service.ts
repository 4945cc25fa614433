import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@platform/audit';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService, databaseNameOf, tenantDatabaseNames } from '@platform/database';
import type { Operator } from '@platform/operator-auth';
import { TenantsService } from '@platform/tenancy';
import { TenantCredentialsRepository } from './tenant-credentials.repository.js';
import { TenantDatabaseRepository } from './tenant-database.repository.js';

/** What a rotation answers: never a secret. */
export interface CredentialsRotation {
  tenantId: string;
  slug: string;
  loginRole: string;
  rotatedAt: string;
  /** The tenant's generation after the rotation: its job pushes the new credentials to the tenant's stack. */
  generation: number;
}

@Injectable()
export class TenantCredentialsService {
  private readonly databaseName: string;

  constructor(
    private readonly prisma: PrismaService,
    private readonly credentials: TenantCredentialsRepository,
    private readonly database: TenantDatabaseRepository,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.databaseName = databaseNameOf(config.database.url);
  }

  /**
   * New database password and JWT key, in force at once: the old password cannot open a connection
   * once this returns. The tenant is then re-converged (generation + 1), so the pulumi target
   * writes the new values into the tenant's stack and its workloads roll onto them.
   */
  async rotate(operator: Operator, ref: string): Promise<CredentialsRotation> {
    const tenant = this.tenants.requireLive(await this.tenants.find(ref));
    const names = tenantDatabaseNames(tenant.slug, this.databaseName);
    const rotated = await this.prisma.$transaction(async (tx) => {
      const credential = await this.credentials.rotate(tx, tenant.id);
      const loginAltered = await this.database.setLoginPassword(tx, names, credential.databasePassword);
      await this.audit.record(
        tx,
        operator,
        'tenant.credentials.rotate',
        { type: 'tenant', id: tenant.id },
        { loginRole: names.login, loginAltered },
      );
      return credential;
    });
    const converging = await this.tenants.update(operator, tenant.id, {});
    return {
      tenantId: tenant.id,
      slug: tenant.slug,
      loginRole: names.login,
      rotatedAt: rotated.rotatedAt.toISOString(),
      generation: converging.generation,
    };
  }
}
