import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { z } from 'zod';
import { AuditService } from '@platform/audit';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService } from '@platform/database';
import { hashSecret, issueSecret, prefixOf } from '@platform/secrets';
import { OPERATOR_ROLES, type Operator } from './operator.js';
import { OperatorTokensRepository } from './operator-tokens.repository.js';

export const createOperatorTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(OPERATOR_ROLES),
  })
  .strict();
export type CreateOperatorTokenInput = z.infer<typeof createOperatorTokenSchema>;

export interface IssuedOperatorToken {
  id: string;
  name: string;
  role: Operator['role'];
  token: string;
}

@Injectable()
export class OperatorTokensService implements OnApplicationBootstrap {
  private readonly logger = new Logger(OperatorTokensService.name);

  constructor(
    private readonly tokens: OperatorTokensRepository,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** Seeds ADMIN_TOKEN as an admin token so a fresh machine has a way in. */
  async onApplicationBootstrap(): Promise<void> {
    const adminToken = this.config.controlPlane.adminToken;
    if (!adminToken) return;
    await this.tokens.ensure({
      name: 'bootstrap-admin',
      role: 'admin',
      prefix: prefixOf(adminToken),
      tokenHash: hashSecret(adminToken),
    });
    this.logger.log('ADMIN_TOKEN is registered as an admin operator token');
  }

  async authenticate(bearer: string, requestId: string): Promise<Operator | null> {
    const token = await this.tokens.findActiveByHash(hashSecret(bearer));
    return token ? { id: token.id, name: token.name, role: token.role, requestId } : null;
  }

  async issue(operator: Operator, input: CreateOperatorTokenInput): Promise<IssuedOperatorToken> {
    const { secret, prefix, hash } = issueSecret('op');
    const created = await this.prisma.$transaction(async (tx) => {
      const token = await this.tokens.create(tx, { name: input.name, role: input.role, prefix, tokenHash: hash });
      await this.audit.record(
        tx,
        operator,
        'operator-token.create',
        { type: 'operator-token', id: token.id },
        {
          name: input.name,
          role: input.role,
        },
      );
      return token;
    });
    return { id: created.id, name: created.name, role: created.role, token: secret };
  }
}
