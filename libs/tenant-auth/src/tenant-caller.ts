import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@platform/errors';
import { TENANT_SCOPES } from './tenant-scopes.js';

/** Every scope a tenant credential can hold (an API key's default). */
export const WORKLOAD_SCOPES: readonly string[] = TENANT_SCOPES;

/** Who is calling a workload: a tenant (signed by the edge) and the credential it proved. */
export interface TenantCaller {
  tenantId: string;
  tenantSlug: string;
  scopes: string[];
  keyId: string;
  via: 'api-key' | 'jwt';
}

export type RequestWithCaller = FastifyRequest & { tenantCaller?: TenantCaller };

export const TenantCaller = createParamDecorator((_: unknown, context: ExecutionContext): TenantCaller => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>().tenantCaller;
  if (!caller) throw new DomainError('Unauthenticated', 'Route is missing TenantCallerGuard');
  return caller;
});
