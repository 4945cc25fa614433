import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { IngestionsService } from '@platform/data';
import { ZodPipe } from '@platform/http-api';
import { TenantCaller, TenantCallerGuard } from '@platform/tenant-auth';

@Controller('v1/ingestions')
@UseGuards(TenantCallerGuard)
export class IngestionsController {
  constructor(private readonly ingestions: IngestionsService) {}

  @Get(':id')
  get(@TenantCaller() caller: TenantCaller, @Param('id', new ZodPipe(z.uuid(), 'Ingestion id')) id: string) {
    return this.ingestions.get(caller, id);
  }
}
