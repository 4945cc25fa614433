import { Injectable, Optional } from '@nestjs/common';
import type { EdgeContext } from './edge-context.js';
import type { TenantCaller } from './tenant-caller.js';
import { TenantCallerAuthenticator } from './tenant-caller.authenticator.js';
import { type Release, TenantCallLimiter } from './tenant-call.limiter.js';
import { type Workload, assertScope, requiredScopeOf } from './tenant-scopes.js';

/** What the gate reads of a workload call: never its body, which it decides on before anyone reads it. */
export interface WorkloadCall {
  workload: Workload;
  method: string;
  authorization: string | undefined;
}

export interface Admission {
  caller: TenantCaller;
  /** Call when the answer is done (or the caller gone): frees the tenant's in-flight slot. */
  release: Release;
}

const NOTHING_HELD: Release = () => undefined;

/**
 * The one pipeline every workload call passes, on fast paths and full routes alike, at the edge and
 * in the workloads: the credential is the tenant's (401/403), it grants the call's scope (403
 * `insufficient_scope`), and the tenant is within its limits (429; where a limiter is provided: the
 * edge). `admitHeld` is the same decision made from memory; when it cannot decide it returns
 * undefined and `admit` decides (and gives every refusal its error).
 */
@Injectable()
export class TenantCallGate {
  constructor(
    private readonly authenticator: TenantCallerAuthenticator,
    @Optional() private readonly limiter?: TenantCallLimiter,
  ) {}

  admitHeld(tenant: EdgeContext, call: WorkloadCall): Admission | undefined {
    const caller = this.authenticator.heldCaller(tenant, call.authorization);
    if (!caller || !caller.scopes.includes(requiredScopeOf(call.workload, call.method))) return undefined;
    const release = this.limiter ? this.limiter.admitHeld(tenant.tenantId) : NOTHING_HELD;
    return release && { caller, release };
  }

  async admit(tenant: EdgeContext, call: WorkloadCall): Promise<Admission> {
    const caller = await this.authenticator.authenticate(tenant, call.authorization);
    assertScope(caller.scopes, requiredScopeOf(call.workload, call.method));
    const release = this.limiter ? await this.limiter.admit(tenant.tenantId) : NOTHING_HELD;
    return { caller, release };
  }
}
