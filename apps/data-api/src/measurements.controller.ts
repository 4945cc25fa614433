import { Controller, Get, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import {
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

@Controller('v1/measurements')
@UseGuards(TenantCallerGuard)
export class MeasurementsController {
  constructor(private readonly measurements: MeasurementsService) {}

  @Post()
  @HttpCode(200)
  ingest(@TenantCaller() caller: TenantCaller, @StreamedBody() body: RequestBody) {
    return this.measurements.ingest(caller, body);
  }

  @Get('stats')
  stats(@TenantCaller() caller: TenantCaller, @Query(new ZodPipe(statsQuerySchema, 'Query')) query: StatsQuery) {
    return this.measurements.stats(caller, query);
  }

  @Get()
  list(@TenantCaller() caller: TenantCaller, @Query(new ZodPipe(listMeasurementsQuerySchema, 'Query')) query: ListMeasurementsQuery) {
    return this.measurements.list(caller, query);
  }
}
