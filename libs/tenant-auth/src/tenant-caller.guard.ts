import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { DomainError } from '@platform/errors';
import { addToLogContext } from '@platform/observability';
import { EdgeContextVerifier } from './edge-context.js';
import type { RequestWithCaller, TenantCaller } from './tenant-caller.js';
import { TenantCallerAuthenticator } from './tenant-caller.authenticator.js';
import { SingleTenantCallers } from './single-tenant.callers.js';

/**
 * A workload route's door: the request must come through the edge (signed tenant headers) and
 * carry a credential of that same tenant. Read the result with `@TenantCaller()`.
 */
@Injectable()
export class TenantCallerGuard implements CanActivate {
  private readonly edgeContext: EdgeContextVerifier;

  constructor(
    private readonly authenticator: TenantCallerAuthenticator,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    private readonly singleTenant: SingleTenantCallers,
  ) {
    this.edgeContext = new EdgeContextVerifier(config.edge.signingSecret);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    request.tenantCaller = await this.callerOf(request.headers);
    return true;
  }

  /** The same check for routes registered on Fastify directly (hot paths that skip Nest's pipeline). */
  async callerOf(headers: IncomingHttpHeaders): Promise<TenantCaller> {
    if (this.singleTenant.active) return this.singleTenant.callerOf(headers);
    const tenant = this.edgeContext.verify(headers);
    if (!tenant)
      throw new DomainError('Unauthenticated', 'Workloads are reached through the edge on a tenant hostname');
    // Only a tenant the edge signed names the log lines; a forged header never does.
    addToLogContext({ tenantId: tenant.tenantId });
    return this.authenticator.authenticate(tenant, headers.authorization);
  }

  /**
   * The caller when this replica can prove it from memory (edge signature and a recently checked
   * API key); undefined whenever `callerOf` is needed, which also gives every refusal its answer.
   */
  heldCallerOf(headers: IncomingHttpHeaders): TenantCaller | undefined {
    if (this.singleTenant.active) return this.singleTenant.heldCallerOf(headers);
    const tenant = this.edgeContext.verify(headers);
    return tenant ? this.authenticator.heldCaller(tenant, headers.authorization) : undefined;
  }
}
