import { Global, Module } from '@nestjs/common';
import { PrismaService } from './prisma.service.js';
import { TenantSqlService } from './tenant-sql.service.js';

@Global()
@Module({ providers: [PrismaService, TenantSqlService], exports: [PrismaService, TenantSqlService] })
export class DatabaseModule {}
