import { Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  type ListRecordsQuery,
  type RequestBody,
  RecordsService,
  StreamedBody,
  collectionNameSchema,
  importQuerySchema,
  listRecordsQuerySchema,
  recordKeySchema,
} from '@platform/data';
import { ZodPipe } from '@platform/http-api';
import { TenantCaller, TenantCallerGuard } from '@platform/tenant-auth';

const collectionParam = new ZodPipe(collectionNameSchema, 'Collection name');
const keyParam = new ZodPipe(recordKeySchema, 'Record key');

@Controller('v1/collections/:collection')
@UseGuards(TenantCallerGuard)
export class RecordsController {
  constructor(private readonly records: RecordsService) {}

  @Put('records')
  upsert(
    @TenantCaller() caller: TenantCaller,
    @Param('collection', collectionParam) collection: string,
    @StreamedBody() body: RequestBody,
  ) {
    return this.records.upsert(caller, collection, body);
  }

  @Post('import')
  @HttpCode(200)
  import(
    @TenantCaller() caller: TenantCaller,
    @Param('collection', collectionParam) collection: string,
    @Query(new ZodPipe(importQuerySchema, 'Query')) query: { keyField?: string },
    @StreamedBody() body: RequestBody,
  ) {
    return this.records.import(caller, collection, body, query.keyField);
  }

  @Get('records/:key')
  get(
    @TenantCaller() caller: TenantCaller,
    @Param('collection', collectionParam) collection: string,
    @Param('key', keyParam) key: string,
  ) {
    return this.records.get(caller, collection, key);
  }

  @Get('records')
  list(
    @TenantCaller() caller: TenantCaller,
    @Param('collection', collectionParam) collection: string,
    @Query(new ZodPipe(listRecordsQuerySchema, 'Query')) query: ListRecordsQuery,
  ) {
    return this.records.list(caller, collection, query);
  }

  @Delete('records/:key')
  @HttpCode(204)
  delete(
    @TenantCaller() caller: TenantCaller,
    @Param('collection', collectionParam) collection: string,
    @Param('key', keyParam) key: string,
  ) {
    return this.records.delete(caller, collection, key);
  }
}
