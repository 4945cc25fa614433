import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, openApiSchemaOf } from '@platform/http-api';
import { CurrentOperator, type Operator } from '@platform/operator-auth';
import { ApiKeysService, type CreateApiKeyInput, createApiKeySchema } from '@platform/tenant-auth';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('v1/tenants/:ref/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a tenant API key; the secret is shown in this answer only' })
  @ApiBody({ schema: openApiSchemaOf(createApiKeySchema) })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key and body issues nothing and answers 409 AlreadyIssued with the id',
  })
  issue(
    @CurrentOperator() operator: Operator,
    @Param('ref') ref: string,
    @Body(new ZodPipe(createApiKeySchema)) input: CreateApiKeyInput,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.keys.issue(operator, ref, input, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: 'Active API keys of a tenant (no secrets)' })
  list(@Param('ref') ref: string) {
    return this.keys.list(ref);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key' })
  revoke(@CurrentOperator() operator: Operator, @Param('ref') ref: string, @Param('keyId') keyId: string) {
    return this.keys.revoke(operator, ref, keyId);
  }
}
