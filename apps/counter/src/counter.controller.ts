import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  type CountQuery,
  type CreateCounterInput,
  type ListCountersQuery,
  CountersService,
  countQuerySchema,
  counterNameSchema,
  createCounterSchema,
  listCountersQuerySchema,
} from '@platform/counter';
import { ZodPipe } from '@platform/http-api';
import { TenantCaller, TenantCallerGuard } from '@platform/tenant-auth';

const nameParam = new ZodPipe(counterNameSchema, 'Counter name');

@Controller('v1/counters')
@UseGuards(TenantCallerGuard)
export class CounterController {
  constructor(private readonly counters: CountersService) {}

  @Post(':name/next')
  @HttpCode(200)
  next(
    @TenantCaller() caller: TenantCaller,
    @Param('name', nameParam) name: string,
    @Query(new ZodPipe(countQuerySchema, 'Query')) query: CountQuery,
  ) {
    return this.counters.next(caller, name, query);
  }

  @Put(':name')
  create(
    @TenantCaller() caller: TenantCaller,
    @Param('name', nameParam) name: string,
    @Body(new ZodPipe(createCounterSchema.optional().transform((body) => body ?? {}))) input: CreateCounterInput,
  ) {
    return this.counters.create(caller, name, input);
  }

  @Get(':name')
  get(@TenantCaller() caller: TenantCaller, @Param('name', nameParam) name: string) {
    return this.counters.get(caller, name);
  }

  @Get()
  list(@TenantCaller() caller: TenantCaller, @Query(new ZodPipe(listCountersQuerySchema, 'Query')) query: ListCountersQuery) {
    return this.counters.list(caller, query);
  }
}
