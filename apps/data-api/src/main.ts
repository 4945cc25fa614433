import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { streamRequestBodies } from '@platform/data';
import { createHttpApp, listen } from '@platform/http-api';
import { admitCallsBeforeBodies } from '@platform/tenant-auth';
import { ownRequestMeter } from '@platform/usage';
import { DataApiModule } from './data-api.module.js';

const config = loadConfigOrExit('data-api');
const app = await createHttpApp(DataApiModule, {
  name: 'data-api',
  logLevel: config.app.logLevel,
  timeouts: config.http,
  tracing: config.tracing,
  shutdownDelayMs: config.app.shutdownDelayMs,
  // Single mode only: locally the edge counts these calls.
  onAnswer: ownRequestMeter(config, 'data'),
});
admitCallsBeforeBodies(app, 'data');
streamRequestBodies(app, config.dataApi.maxImportBytes);
await listen(app, config.dataApi.port, 'data-api');
