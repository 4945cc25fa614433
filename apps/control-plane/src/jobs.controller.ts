import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantsService } from '@platform/tenancy';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly tenants: TenantsService) {}

  @Get(':id')
  @ApiOperation({ summary: 'One provisioning job: state, attempts, failure reason, timings' })
  get(@Param('id') id: string) {
    return this.tenants.job(id);
  }
}
