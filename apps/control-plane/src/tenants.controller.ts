import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ZodPipe, openApiSchemaOf } from '@platform/http-api';
import { CurrentOperator, type Operator } from '@platform/operator-auth';
import {
  type CreateTenantInput,
  type ListTenantsQuery,
  type PatchTenantInput,
  TenantsService,
  createTenantSchema,
  listTenantsQuerySchema,
  patchTenantSchema,
} from '@platform/tenancy';

@ApiTags('tenants')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Onboard a tenant; provisioning runs as a job' })
  @ApiBody({ schema: openApiSchemaOf(createTenantSchema) })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Replays answer the first result' })
  create(
    @CurrentOperator() operator: Operator,
    @Body(new ZodPipe(createTenantSchema)) input: CreateTenantInput,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.tenants.create(operator, input, idempotencyKey);
  }

  @Get()
  @ApiOperation({ summary: 'List tenants (cursor pagination, filter by phase)' })
  list(@Query(new ZodPipe(listTenantsQuerySchema, 'Query')) query: ListTenantsQuery) {
    return this.tenants.list(query);
  }

  @Get(':ref')
  @ApiOperation({ summary: 'A tenant by id or slug, with its status' })
  get(@Param('ref') ref: string) {
    return this.tenants.get(ref);
  }

  @Patch(':ref')
  @HttpCode(202)
  @ApiOperation({ summary: 'Change display name, branding, tier or domains (bumps generation)' })
  @ApiBody({ schema: openApiSchemaOf(patchTenantSchema) })
  update(
    @CurrentOperator() operator: Operator,
    @Param('ref') ref: string,
    @Body(new ZodPipe(patchTenantSchema)) patch: PatchTenantInput,
  ) {
    return this.tenants.update(operator, ref, patch);
  }

  @Post(':ref/suspend')
  @HttpCode(202)
  @ApiOperation({ summary: 'Suspend: data kept, hostnames answer a suspended page' })
  suspend(@CurrentOperator() operator: Operator, @Param('ref') ref: string) {
    return this.tenants.suspend(operator, ref);
  }

  @Post(':ref/resume')
  @HttpCode(202)
  @ApiOperation({ summary: 'Resume a suspended tenant' })
  resume(@CurrentOperator() operator: Operator, @Param('ref') ref: string) {
    return this.tenants.resume(operator, ref);
  }

  @Delete(':ref')
  @HttpCode(202)
  @ApiOperation({ summary: 'Offboard: schema, role, assets and routes are removed; row and audit kept' })
  offboard(@CurrentOperator() operator: Operator, @Param('ref') ref: string) {
    return this.tenants.offboard(operator, ref);
  }

  @Get(':ref/jobs')
  @ApiOperation({ summary: 'Provisioning jobs of a tenant, newest first' })
  jobs(@Param('ref') ref: string) {
    return this.tenants.jobsOf(ref);
  }
}
