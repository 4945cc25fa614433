import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import {
  type CreateCounterInput,
  type ListCountersQuery,
  CountersService,
  counterNameSchema,
  createCounterSchema,
  listCountersQuerySchema,
} from '@platform/counter';
import { ZodPipe } from '@platform/http-api';
import { TenantCaller, TenantCallerGuard } from '@platform/tenant-auth';

const nameParam = new ZodPipe(counterNameSchema, 'Counter name');

/** `POST v1/counters/:name/next` lives in next-value.route.ts (the hot path, on Fastify directly). */
@Controller('v1/counters')
@UseGuards(TenantCallerGuard)
export class CounterController {
  constructor(private readonly counters: CountersService) {}

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
  list(
    @TenantCaller() caller: TenantCaller,
    @Query(new ZodPipe(listCountersQuerySchema, 'Query')) query: ListCountersQuery,
  ) {
    return this.counters.list(caller, query);
  }
}
