import { Module } from '@nestjs/common';
import { AuditModule } from '@platform/audit';
import { PlatformConfigModule } from '@platform/config';
import { DatabaseModule } from '@platform/database';
import { HealthEndpointsModule } from '@platform/observability';
import { OperatorAuthModule } from '@platform/operator-auth';
import { TenantCredentialsModule } from '@platform/provisioning';
import { QueueModule } from '@platform/queue';
import { TenancyModule } from '@platform/tenancy';
import { ApiKeysModule } from '@platform/tenant-auth';
import { UsageModule } from '@platform/usage';
import { ApiKeysController } from './api-keys.controller.js';
import { AuditEventsController } from './audit-events.controller.js';
import { JobsController } from './jobs.controller.js';
import { OperatorTokensController } from './operator-tokens.controller.js';
import { TenantCredentialsController } from './tenant-credentials.controller.js';
import { TenantsController } from './tenants.controller.js';
import { UsageController } from './usage.controller.js';

@Module({
  imports: [
    PlatformConfigModule.forApp('control-plane'),
    DatabaseModule,
    QueueModule,
    AuditModule,
    OperatorAuthModule,
    TenancyModule,
    ApiKeysModule,
    HealthEndpointsModule,
    TenantCredentialsModule,
    UsageModule,
  ],
  controllers: [
    TenantsController,
    JobsController,
    ApiKeysController,
    OperatorTokensController,
    AuditEventsController,
    TenantCredentialsController,
    UsageController,
  ],
})
export class ControlPlaneModule {}
