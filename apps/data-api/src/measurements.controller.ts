import { Controller, Get, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  type IngestQuery,
  IngestionsService,
  ingestQuerySchema,
  type ListMeasurementsQuery,
  type RequestBody,
  type StatsQuery,
  MeasurementsService,
  StreamedBody,
  listMeasurementsQuerySchema,
  statsQuerySchema,
} from '@platform/data';
import { ZodPipe } from '@platform/http-api';
import { TenantCaller, TenantCallerGuard } from '@platform/tenant-auth';

function accepted(reply: FastifyReply) {
  return <T>(body: T): T => {
    void reply.status(202);
    return body;
  };
}

@Controller('v1/measurements')
@UseGuards(TenantCallerGuard)
export class MeasurementsController {
  constructor(
    private readonly measurements: MeasurementsService,
    private readonly ingestions: IngestionsService,
  ) {}

  /** `?async=true` is a different operation on the same path: queued (202) instead of stored now (200). */
  @Post()
  @HttpCode(200)
  ingest(
    @TenantCaller() caller: TenantCaller,
    @Query(new ZodPipe(ingestQuerySchema, 'Query')) query: IngestQuery,
    @StreamedBody() body: RequestBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return query.async === 'true'
      ? this.ingestions.submit(caller, body).then(accepted(reply))
      : this.measurements.ingest(caller, body);
  }

  @Get('stats')
  stats(@TenantCaller() caller: TenantCaller, @Query(new ZodPipe(statsQuerySchema, 'Query')) query: StatsQuery) {
    return this.measurements.stats(caller, query);
  }

  @Get()
  list(
    @TenantCaller() caller: TenantCaller,
    @Query(new ZodPipe(listMeasurementsQuerySchema, 'Query')) query: ListMeasurementsQuery,
  ) {
    return this.measurements.list(caller, query);
  }
}
