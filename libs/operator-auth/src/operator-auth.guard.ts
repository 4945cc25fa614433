import { type CanActivate, type ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { OperatorRole } from '@platform/database';
import { DomainError } from '@platform/errors';
import { type Operator, roleAllows } from './operator.js';
import { OperatorTokensService } from './operator-tokens.service.js';

const MIN_ROLE = 'operator-auth:min-role';
const PUBLIC = 'operator-auth:public';

/** The least role a route needs; without it, reads need `viewer` and everything else `operator`. */
export const MinRole = (role: OperatorRole) => SetMetadata(MIN_ROLE, role);
export const PublicRoute = () => SetMetadata(PUBLIC, true);

type RequestWithOperator = FastifyRequest & { operator?: Operator };

export const CurrentOperator = createParamDecorator((_: unknown, context: ExecutionContext): Operator => {
  const operator = context.switchToHttp().getRequest<RequestWithOperator>().operator;
  if (!operator) throw new DomainError('Unauthenticated', 'Operator token required');
  return operator;
});

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function bearerOf(authorization: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match ? match[1]! : null;
}

@Injectable()
export class OperatorAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: OperatorTokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<RequestWithOperator>();
    const bearer = bearerOf(request.headers.authorization);
    if (!bearer) throw new DomainError('Unauthenticated', 'Send an operator token as "Authorization: Bearer <token>"');
    const operator = await this.tokens.authenticate(bearer, request.id);
    if (!operator) throw new DomainError('Unauthenticated', 'The operator token is unknown or revoked');
    const needed =
      this.reflector.getAllAndOverride<OperatorRole>(MIN_ROLE, targets) ??
      (READ_METHODS.has(request.method) ? 'viewer' : 'operator');
    if (!roleAllows(operator.role, needed)) {
      throw new DomainError('Forbidden', `This needs the ${needed} role; the token has ${operator.role}`, {
        requiredRole: needed,
        role: operator.role,
      });
    }
    request.operator = operator;
    return true;
  }
}
