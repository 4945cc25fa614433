import { All, Controller, Get, UseGuards } from '@nestjs/common';
import { DomainError } from '@platform/errors';
import { type EdgeContext, EdgeTenant, EdgeTenantGuard } from '@platform/tenant-auth';

/** Placeholder until the data workload lands: proves the edge hands over a verified tenant. */
@Controller()
export class DataApiController {
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @All('*')
  @UseGuards(EdgeTenantGuard)
  notYet(@EdgeTenant() tenant: EdgeContext): never {
    throw new DomainError('NotImplemented', 'The data workload is not built yet', { tenant: tenant.tenantSlug });
  }
}
