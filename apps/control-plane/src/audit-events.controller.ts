import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { AuditService } from '@platform/audit';
import { ZodPipe } from '@platform/http-api';

export const auditQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().regex(/^\d+$/).optional(),
    targetId: z.string().max(200).optional(),
  })
  .strict();

@ApiTags('audit')
@ApiBearerAuth()
@Controller('v1/audit-events')
export class AuditEventsController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @ApiOperation({ summary: 'Every mutation: actor, action, target, time, request id (newest first)' })
  list(@Query(new ZodPipe(auditQuerySchema, 'Query')) query: z.infer<typeof auditQuerySchema>) {
    return this.audit.list(query);
  }
}
