import { Controller, Get, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ZodPipe } from '@platform/http-api';
import {
  ALL_TENANTS_USAGE_COLUMNS,
  USAGE_COLUMNS,
  type UsageQuery,
  UsageService,
  usageQuerySchema,
} from '@platform/usage';
import { CsvWhenAccepted } from './csv-answer.interceptor.js';

const usageQuery = new ZodPipe(usageQuerySchema, 'Query');

@ApiTags('usage')
@ApiBearerAuth()
@ApiProduces('application/json', 'text/csv')
@ApiQuery({ name: 'from', required: false, description: 'ISO date or date-time; rounds down to the period' })
@ApiQuery({ name: 'to', required: false, description: 'ISO date or date-time, exclusive; rounds up to the period' })
@ApiQuery({ name: 'granularity', required: false, enum: ['hour', 'day'], description: 'Default day' })
@Controller('v1')
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get('tenants/:ref/usage')
  @UseInterceptors(CsvWhenAccepted(USAGE_COLUMNS, 'usage.csv'))
  @ApiOperation({
    summary: "A tenant's metered usage per period (UTC): counter values, rows ingested, API requests, stored bytes",
  })
  forTenant(@Param('ref') ref: string, @Query(usageQuery) query: UsageQuery) {
    return this.usage.forTenant(ref, query);
  }

  @Get('usage')
  @UseInterceptors(CsvWhenAccepted(ALL_TENANTS_USAGE_COLUMNS, 'usage-all-tenants.csv'))
  @ApiOperation({ summary: "Every tenant's metered usage per period (the billing export; `Accept: text/csv`)" })
  forAll(@Query(usageQuery) query: UsageQuery) {
    return this.usage.forAll(query);
  }
}
