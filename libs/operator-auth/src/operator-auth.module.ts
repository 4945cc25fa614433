import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IdempotencyRecordsRepository } from '@platform/database';
import { OperatorAuthGuard } from './operator-auth.guard.js';
import { OperatorTokensRepository } from './operator-tokens.repository.js';
import { OperatorTokensService } from './operator-tokens.service.js';

@Module({
  providers: [
    IdempotencyRecordsRepository,
    OperatorTokensRepository,
    OperatorTokensService,
    { provide: APP_GUARD, useClass: OperatorAuthGuard },
  ],
  exports: [OperatorTokensService],
})
export class OperatorAuthModule {}
