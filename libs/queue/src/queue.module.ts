import { Global, Module } from '@nestjs/common';
import { ProvisioningQueue } from './provisioning.queue.js';

@Global()
@Module({ providers: [ProvisioningQueue], exports: [ProvisioningQueue] })
export class QueueModule {}
