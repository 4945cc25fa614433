import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  issue(
    @CurrentOperator() operator: Operator,
    @Body(new ZodPipe(createOperatorTokenSchema)) input: CreateOperatorTokenInput,
  ) {
    return this.tokens.issue(operator, input);
  }
}
