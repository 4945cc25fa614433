import { Module } from '@nestjs/common';
import { IdempotencyRecordsRepository } from '@platform/database';
import { ApiKeyVerifier } from './api-key.verifier.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { TenantCallerAuthenticator } from './tenant-caller.authenticator.js';
import { TenantCallerGuard } from './tenant-caller.guard.js';
import { TenantCallGate } from './tenant-call.gate.js';
import { TenantTokensService } from './tenant-tokens.service.js';
import { SingleTenantCallers } from './single-tenant.callers.js';
import { TenantKeyMirrorRepository } from './tenant-key-mirror.repository.js';

/** Control plane side: issuing and revoking keys. */
@Module({
  providers: [ApiKeysRepository, IdempotencyRecordsRepository, ApiKeysService, TenantKeyMirrorRepository],
  exports: [ApiKeysService, TenantKeyMirrorRepository],
})
export class ApiKeysModule {}

/**
 * Tenant side (edge and workloads): verifying keys and JWTs, issuing JWTs. Needs the global
 * DatabaseModule and PlatformConfigModule in the app.
 */
@Module({
  providers: [
    ApiKeysRepository,
    ApiKeyVerifier,
    TenantTokensService,
    TenantCallerAuthenticator,
    TenantCallGate,
    TenantCallerGuard,
    SingleTenantCallers,
  ],
  exports: [
    ApiKeyVerifier,
    TenantTokensService,
    TenantCallerAuthenticator,
    TenantCallGate,
    TenantCallerGuard,
    SingleTenantCallers,
  ],
})
export class TenantAuthModule {}
