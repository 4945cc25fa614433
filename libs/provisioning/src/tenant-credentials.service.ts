import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '@platform/audit';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService, databaseNameOf, placementOfRow, tenantDatabaseNames } from '@platform/database';
import type { Operator } from '@platform/operator-auth';
import { TenantsService } from '@platform/tenancy';
import { SILO_TRANSACTION, SiloDatabaseRepository } from './silo-database.repository.js';
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
    private readonly silo: SiloDatabaseRepository,
    private readonly tenants: TenantsService,
    private readonly audit: AuditService,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
  ) {
    this.databaseName = databaseNameOf(config.database.url);
  }

  /**
   * New database password and JWT key, in force at once: the old password cannot open a connection
   * once this returns. The tenant is then re-converged (generation + 1), so the pulumi target
   * writes the new values into the tenant's stack and its workloads roll onto them. A silo tenant's
   * login role is on the silo server: its password changes there while the new credentials row is
   * still uncommitted (and locked, so a converge cannot interleave); a failure there changes nothing.
   * Only a failed commit of the platform's transaction after it would leave the role a password
   * nobody stored, until the next rotation or converge sets the stored one.
   */
  async rotate(operator: Operator, ref: string): Promise<CredentialsRotation> {
    const tenant = this.tenants.requireLive(await this.tenants.find(ref));
    const names = tenantDatabaseNames(tenant.slug, this.databaseName);
    const rotated = await this.prisma.$transaction(async (tx) => {
      const credential = await this.credentials.rotate(tx, tenant.id);
      const setPassword = (on: typeof tx) => this.database.setLoginPassword(on, names, credential.databasePassword);
      const loginAltered =
        placementOfRow(tenant).model === 'silo' ? await this.silo.onServer(setPassword) : await setPassword(tx);
      await this.audit.record(
        tx,
        operator,
        'tenant.credentials.rotate',
        { type: 'tenant', id: tenant.id },
        { loginRole: names.login, loginAltered },
      );
      return credential;
    }, SILO_TRANSACTION);
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
