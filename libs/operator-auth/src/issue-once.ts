import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  IDEMPOTENCY_KEY,
  type IdempotencyRecordsRepository,
  type Prisma,
  type PrismaService,
} from '@platform/database';
import { DomainError } from '@platform/errors';
import type { Operator } from './operator.js';

export const issueIdempotencyKeySchema = z
  .string()
  .regex(IDEMPOTENCY_KEY, 'must be 1-200 visible ASCII characters')
  .optional();

interface Minted<Issued> {
  issued: Issued;
  /** What may be kept and told again: never the secret. */
  record: { id: string } & Prisma.InputJsonObject;
}

/**
 * Mints a secret at most once per (caller, scope, Idempotency-Key). The secret is shown in the first
 * answer only, so a retry cannot answer it again: it gets `409 AlreadyIssued` naming what the first
 * request issued (id and public fields), to use, or to revoke when the first answer was lost. The
 * same key with another body is `409 IdempotencyKeyReused`. Records are kept with the audit log.
 */
export async function issueOnce<Issued>(
  prisma: PrismaService,
  records: IdempotencyRecordsRepository,
  request: { operator: Operator; scope: string; idempotencyKey: string | undefined; input: unknown },
  mint: (tx: Prisma.TransactionClient) => Promise<Minted<Issued>>,
): Promise<Issued> {
  const { operator } = request;
  const idempotencyKey = idempotencyKeyOf(request.idempotencyKey);
  if (!idempotencyKey) return (await prisma.$transaction(mint)).issued;
  const key = `${request.scope}:${idempotencyKey}`;
  const requestHash = createHash('sha256').update(JSON.stringify(request.input)).digest('hex');
  const refuseRetry = async () => {
    const prior = await records.find(operator.id, key);
    if (!prior) return;
    if (prior.requestHash !== requestHash) {
      throw new DomainError(
        'IdempotencyKeyReused',
        'This Idempotency-Key was already used with a different request body',
        {
          idempotencyKey,
        },
      );
    }
    throw new DomainError(
      'AlreadyIssued',
      'This Idempotency-Key already issued a secret, shown in that answer only; revoke it if that answer was lost',
      { idempotencyKey, issued: prior.body },
    );
  };
  await refuseRetry();
  try {
    return await prisma.$transaction(async (tx) => {
      const minted = await mint(tx);
      await records.save(tx, { actorId: operator.id, key, requestHash, status: 201, body: minted.record });
      return minted.issued;
    });
  } catch (error) {
    // Lost a race with the same key: the other request's secret stands, this one was rolled back.
    if ((error as { code?: string }).code === 'P2002') await refuseRetry();
    throw error;
  }
}

function idempotencyKeyOf(raw: string | undefined): string | undefined {
  const parsed = issueIdempotencyKeySchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new DomainError('ValidationFailed', 'Idempotency-Key header: must be 1-200 visible ASCII characters', {
    field: 'Idempotency-Key',
  });
}
