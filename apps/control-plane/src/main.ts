import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { createHttpApp, listen } from '@platform/http-api';
import { ControlPlaneModule } from './control-plane.module.js';
import { mountOpenApi } from './openapi.js';
import { mountQueueDashboard } from './queue-dashboard.js';

const config = loadConfigOrExit('control-plane');
const app = await createHttpApp(ControlPlaneModule, {
  name: 'control-plane',
  bodyLimitBytes: config.controlPlane.bodyLimitBytes,
  logLevel: config.app.logLevel,
  timeouts: config.http,
  tracing: config.tracing,
});
mountOpenApi(app);
await mountQueueDashboard(app);
await listen(app, config.controlPlane.port, 'control-plane');
