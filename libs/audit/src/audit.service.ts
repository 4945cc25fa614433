import { Injectable } from '@nestjs/common';
import type { AuditEvent, Prisma } from '@platform/database';
import { AuditRepository } from './audit.repository.js';

/**
 * Who did it, as the audit log records it. An operator from @platform/operator-auth is one (it has these
 * fields); audit declares only what it stores so that it sits below operator-auth, which records
 * through it.
 */
export interface AuditActor {
  id: string;
  name: string;
  /** The request the change was part of. */
  requestId: string;
}

export interface AuditEventView {
  id: string;
  at: string;
  actor: { id: string; name: string };
  action: string;
  target: { type: string; id: string };
  requestId: string | null;
  details: unknown;
}

export interface AuditPage {
  items: AuditEventView[];
  nextCursor: string | null;
}

@Injectable()
export class AuditService {
  constructor(private readonly audit: AuditRepository) {}

  record(
    tx: Prisma.TransactionClient,
    actor: AuditActor,
    action: string,
    target: { type: string; id: string },
    details?: Prisma.InputJsonValue,
  ): Promise<void> {
    return this.audit.append(tx, {
      actorId: actor.id,
      actorName: actor.name,
      requestId: actor.requestId,
      action,
      targetType: target.type,
      targetId: target.id,
      details,
    });
  }

  async list(query: { limit: number; cursor?: string; targetId?: string }): Promise<AuditPage> {
    const cursor = query.cursor && /^\d+$/.test(query.cursor) ? BigInt(query.cursor) : undefined;
    const rows = await this.audit.page({ limit: query.limit + 1, cursor, targetId: query.targetId });
    const items = rows.slice(0, query.limit).map(toView);
    const nextCursor = rows.length > query.limit ? items[items.length - 1]!.id : null;
    return { items, nextCursor };
  }
}

function toView(event: AuditEvent): AuditEventView {
  return {
    id: event.id.toString(),
    at: event.at.toISOString(),
    actor: { id: event.actorId, name: event.actorName },
    action: event.action,
    target: { type: event.targetType, id: event.targetId },
    requestId: event.requestId,
    details: event.details ?? null,
  };
}
