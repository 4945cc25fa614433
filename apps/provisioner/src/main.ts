import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { createHttpApp, listen } from '@platform/http-api';
import { ProvisionerModule } from './provisioner.module.js';

const config = loadConfigOrExit('provisioner');
const app = await createHttpApp(ProvisionerModule, {
  name: 'provisioner',
  logLevel: config.app.logLevel,
  timeouts: config.http,
  tracing: config.tracing,
  shutdownDelayMs: config.app.shutdownDelayMs,
});
await listen(app, config.provisioner.port, 'provisioner');
