import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { z } from 'zod';
import { AuditService } from '@platform/audit';
import { FreshCache } from '@platform/cache';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { IdempotencyRecordsRepository, type OperatorToken, PrismaService } from '@platform/database';
import { DomainError } from '@platform/errors';
import { hashSecret, issueSecret, prefixOf } from '@platform/secrets';
import { issueOnce } from './issue-once.js';
import { OPERATOR_ROLES, type Operator, SYSTEM_OPERATOR } from './operator.js';
import { OperatorTokensRepository } from './operator-tokens.repository.js';

/** A token lives at most a year; without an expiry it lives until revoked. */
const MAX_LIFETIME_SECONDS = 366 * 24 * 3600;
const MIN_LIFETIME_SECONDS = 60;

export const createOperatorTokenSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: z.enum(OPERATOR_ROLES),
    expiresAt: z.iso.datetime({ offset: true }).optional().describe('Refused from this instant on (ISO 8601)'),
    expiresIn: z
      .number()
      .int()
      .min(MIN_LIFETIME_SECONDS)
      .max(MAX_LIFETIME_SECONDS)
      .optional()
      .describe('Refused this many seconds after issue'),
  })
  .strict()
  .refine((input) => !(input.expiresAt && input.expiresIn), {
    message: 'Give expiresAt or expiresIn, not both',
    path: ['expiresIn'],
  });
export type CreateOperatorTokenInput = z.infer<typeof createOperatorTokenSchema>;

export const operatorTokenViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(OPERATOR_ROLES),
  prefix: z.string().describe('The first characters of the token, to recognise it; never the secret'),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  active: z.boolean(),
});
export type OperatorTokenView = z.infer<typeof operatorTokenViewSchema>;

export const operatorTokenListSchema = z.object({ items: z.array(operatorTokenViewSchema) });

export const issuedOperatorTokenSchema = operatorTokenViewSchema.extend({
  token: z.string().describe('The secret: in this answer only'),
});
export type IssuedOperatorToken = z.infer<typeof issuedOperatorTokenSchema>;

/**
 * How long a replica trusts what Postgres said about an operator token: a revoked token is refused
 * on every replica within this time (at once on the replica that revoked it). Without it, every
 * admin request spent a Prisma query on its own token, the largest cost left under bursts.
 */
export const OPERATOR_TOKEN_CACHE_MS = 2_000;

@Injectable()
export class OperatorTokensService implements OnApplicationBootstrap {
  private readonly logger = new Logger(OperatorTokensService.name);
  /** Active tokens by hash; unknown secrets are not cached, so guesses cannot fill it. */
  private readonly active = new FreshCache<OperatorToken>({
    ttlMs: OPERATOR_TOKEN_CACHE_MS,
    refreshAheadMs: 500,
    maxEntries: 1_000,
  });

  constructor(
    private readonly tokens: OperatorTokensRepository,
    private readonly prisma: PrismaService,
    private readonly audit: AuditService,
    private readonly issued: IdempotencyRecordsRepository,
    @Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig,
  ) {}

  /** Seeds ADMIN_TOKEN as the admin bootstrap token, so a fresh machine has a way in; an earlier one is revoked. */
  async onApplicationBootstrap(): Promise<void> {
    const adminToken = this.config.controlPlane.adminToken;
    if (!adminToken) return;
    const revoked = await this.prisma.$transaction(async (tx) => {
      const earlier = await this.tokens.replaceBootstrap(tx, {
        name: 'bootstrap-admin',
        role: 'admin',
        prefix: prefixOf(adminToken),
        tokenHash: hashSecret(adminToken),
      });
      for (const token of earlier) {
        await this.audit.record(
          tx,
          SYSTEM_OPERATOR,
          'operator-token.revoke',
          { type: 'operator-token', id: token.id },
          { reason: 'ADMIN_TOKEN changed' },
        );
      }
      return earlier;
    });
    this.logger.log(
      `ADMIN_TOKEN is registered as the admin bootstrap token${revoked.length ? `; revoked the earlier one` : ''}`,
    );
  }

  async authenticate(bearer: string, requestId: string): Promise<Operator | null> {
    const hash = hashSecret(bearer);
    const token = await this.active.get(hash, async () => (await this.tokens.findActiveByHash(hash)) ?? undefined);
    // A cached token may have expired since it was read.
    if (!token || (token.expiresAt && token.expiresAt.getTime() <= Date.now())) return null;
    return { id: token.id, name: token.name, role: token.role, requestId };
  }

  async issue(
    operator: Operator,
    input: CreateOperatorTokenInput,
    idempotencyKey?: string,
  ): Promise<IssuedOperatorToken> {
    const expiresAt = expiryOf(input);
    const request = { operator, scope: 'operator-token', idempotencyKey, input };
    return issueOnce(this.prisma, this.issued, request, async (tx) => {
      const { secret, prefix, hash } = issueSecret('op');
      const token = await this.tokens.create(tx, {
        name: input.name,
        role: input.role,
        prefix,
        tokenHash: hash,
        expiresAt,
      });
      const view = toView(token);
      await this.audit.record(
        tx,
        operator,
        'operator-token.create',
        { type: 'operator-token', id: token.id },
        { name: input.name, role: input.role, expiresAt: view.expiresAt },
      );
      return { issued: { ...view, token: secret }, record: view };
    });
  }

  async list(): Promise<z.infer<typeof operatorTokenListSchema>> {
    return { items: (await this.tokens.list()).map(toView) };
  }

  async revoke(operator: Operator, id: string): Promise<void> {
    const token = z.uuid().safeParse(id).success ? await this.tokens.findUnrevoked(id) : null;
    if (!token) throw new DomainError('OperatorTokenNotFound', `No unrevoked operator token ${id}`);
    await this.prisma.$transaction(async (tx) => {
      await this.tokens.revoke(tx, token.id);
      await this.audit.record(
        tx,
        operator,
        'operator-token.revoke',
        { type: 'operator-token', id: token.id },
        { name: token.name, role: token.role },
      );
    });
    this.active.delete(token.tokenHash);
  }
}

function expiryOf(input: CreateOperatorTokenInput): Date | null {
  if (input.expiresIn) return new Date(Date.now() + input.expiresIn * 1000);
  if (!input.expiresAt) return null;
  const at = new Date(input.expiresAt);
  const seconds = (at.getTime() - Date.now()) / 1000;
  if (seconds < MIN_LIFETIME_SECONDS || seconds > MAX_LIFETIME_SECONDS) {
    throw new DomainError('ValidationFailed', 'expiresAt must be between a minute and a year from now', {
      field: 'expiresAt',
    });
  }
  return at;
}

function toView(token: OperatorToken): OperatorTokenView {
  const expired = token.expiresAt !== null && token.expiresAt.getTime() <= Date.now();
  return {
    id: token.id,
    name: token.name,
    role: token.role,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    expiresAt: token.expiresAt?.toISOString() ?? null,
    revokedAt: token.revokedAt?.toISOString() ?? null,
    active: token.revokedAt === null && !expired,
  };
}
