import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentOperator, type Operator } from '@platform/operator-auth';
import { TenantCredentialsService } from '@platform/provisioning';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants/:ref/credentials')
export class TenantCredentialsController {
  constructor(private readonly credentials: TenantCredentialsService) {}

  @Post('rotate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Rotate the tenant's own database password and JWT signing key (operator); answers without secrets and re-converges the tenant",
  })
  rotate(@CurrentOperator() operator: Operator, @Param('ref') ref: string) {
    return this.credentials.rotate(operator, ref);
  }
}
