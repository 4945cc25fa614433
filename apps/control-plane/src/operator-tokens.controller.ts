import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, openApiSchemaOf } from '@platform/http-api';
import {
  type CreateOperatorTokenInput,
  CurrentOperator,
  MinRole,
  type Operator,
  OperatorTokensService,
  createOperatorTokenSchema,
} from '@platform/operator-auth';

@ApiTags('operator-tokens')
@ApiBearerAuth()
@Controller('v1/operator-tokens')
export class OperatorTokensController {
  constructor(private readonly tokens: OperatorTokensService) {}

  @Post()
  @HttpCode(201)
  @MinRole('admin')
  @ApiOperation({ summary: 'Issue an operator token (admin); the token is shown in this answer only' })
  @ApiBody({ schema: openApiSchemaOf(createOperatorTokenSchema) })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key and body issues nothing and answers 409 AlreadyIssued with the id',
  })
  issue(
    @CurrentOperator() operator: Operator,
    @Body(new ZodPipe(createOperatorTokenSchema)) input: CreateOperatorTokenInput,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.tokens.issue(operator, input, idempotencyKey);
  }

  @Get()
  @MinRole('admin')
  @ApiOperation({ summary: 'Every operator token, newest first, with its state; never a secret or a hash' })
  list() {
    return this.tokens.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @MinRole('admin')
  @ApiOperation({ summary: 'Revoke an operator token: refused on its next request' })
  revoke(@CurrentOperator() operator: Operator, @Param('id') id: string) {
    return this.tokens.revoke(operator, id);
  }
}
