import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { DomainError } from '@platform/errors';
import { addToLogContext } from '@platform/observability';
import { EdgeContextVerifier } from './edge-context.js';
import type { RequestWithCaller } from './tenant-caller.js';
import { type Admission, TenantCallGate } from './tenant-call.gate.js';
import type { Workload } from './tenant-scopes.js';

/** What the workloads' door reads of a request. */
export interface SignedCall {
  headers: IncomingHttpHeaders;
  method?: string;
}
import { SingleTenantCallers } from './single-tenant.callers.js';
import { assertScope, requiredScopeOf } from './tenant-scopes.js';

/**
 * A workload's door: the request must come through the edge (signed tenant headers) and pass the
 * tenant call gate (credential of that same tenant, scope, limits). `admitCallsBeforeBodies`
 * opens it for every `/v1/*` request before Fastify reads a byte of the body; routes then read
 * the caller with `@TenantCaller()` behind this guard, which refuses any request not admitted.
 */
@Injectable()
export class TenantCallerGuard implements CanActivate {
  private readonly edgeContext: EdgeContextVerifier;

  constructor(
    private readonly gate: TenantCallGate,
    @Inject(PLATFORM_CONFIG) config: PlatformConfig,
    private readonly singleTenant: SingleTenantCallers,
  ) {
    this.edgeContext = new EdgeContextVerifier(config.edge.signingSecret);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    if (!request.tenantCaller) throw new DomainError('Unauthenticated', 'This route was not admitted as a tenant call');
    return true;
  }

  async admit(workload: Workload, call: SignedCall): Promise<Admission> {
    if (this.singleTenant.active) {
      // A tenant's own workload (single-tenant mode): no edge signature, the same credential and scope rules.
      const caller = await this.singleTenant.callerOf(call.headers);
      assertScope(caller.scopes, requiredScopeOf(workload, call.method ?? 'GET'));
      return { caller, release: () => undefined };
    }
    const tenant = this.edgeContext.verify(call.headers);
    if (!tenant)
      throw new DomainError('Unauthenticated', 'Workloads are reached through the edge on a tenant hostname');
    // Only a tenant the edge signed names the log lines; a forged header never does.
    addToLogContext({ tenantId: tenant.tenantId });
    return this.gate.admit(tenant, {
      workload,
      method: call.method ?? 'GET',
      authorization: call.headers.authorization,
    });
  }

  /** The same decision from memory (edge signature, a recently checked API key); undefined when `admit` must decide. */
  admitHeld(workload: Workload, call: SignedCall): Admission | undefined {
    if (this.singleTenant.active) {
      const caller = this.singleTenant.heldCallerOf(call.headers);
      const allowed = caller?.scopes.includes(requiredScopeOf(workload, call.method ?? 'GET'));
      return caller && allowed ? { caller, release: () => undefined } : undefined;
    }
    const tenant = this.edgeContext.verify(call.headers);
    return tenant
      ? this.gate.admitHeld(tenant, {
          workload,
          method: call.method ?? 'GET',
          authorization: call.headers.authorization,
        })
      : undefined;
  }
}

/**
 * Every `/v1/*` request of a workload passes the gate in Fastify's first hook, before its body is
 * read: a refused caller costs no body parsing (the error filter then closes the connection).
 */
export function admitCallsBeforeBodies(app: NestFastifyApplication, workload: Workload): void {
  const guard = app.get(TenantCallerGuard);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/v1/')) return;
      const admission = await guard.admit(workload, request);
      (request as RequestWithCaller).tenantCaller = admission.caller;
      reply.raw.once('close', admission.release);
    });
}
