import { type CanActivate, type ExecutionContext, Inject, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { DomainError } from '@platform/errors';
import { type EdgeContext, verifyEdgeContext } from './edge-context.js';

type RequestWithTenant = FastifyRequest & { edgeTenant?: EdgeContext };

/** Workloads serve only requests the edge resolved and signed; anything else is refused. */
@Injectable()
export class EdgeTenantGuard implements CanActivate {
  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RequestWithTenant>();
    const tenant = verifyEdgeContext(this.config.edge.signingSecret, request.headers);
    if (!tenant) {
      throw new DomainError('Unauthenticated', 'Workloads are reached through the edge on a tenant hostname');
    }
    request.edgeTenant = tenant;
    return true;
  }
}

export const EdgeTenant = createParamDecorator((_: unknown, context: ExecutionContext): EdgeContext => {
  const tenant = context.switchToHttp().getRequest<RequestWithTenant>().edgeTenant;
  if (!tenant) throw new DomainError('Unauthenticated', 'No tenant resolved by the edge');
  return tenant;
});
