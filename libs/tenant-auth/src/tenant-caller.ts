import { type ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DomainError } from '@platform/errors';

/** Scopes every tenant API key grants today; keys carry no scope column yet. */
export const WORKLOAD_SCOPES: readonly string[] = ['counter', 'data'];

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
