import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { BASE_CONTENT_SECURITY_POLICY, addSecurityHeaders, createHttpApp, listen } from '@platform/http-api';
import { mountConsole } from './console.js';
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
  shutdownDelayMs: config.app.shutdownDelayMs,
});
addSecurityHeaders(app, {
  contentSecurityPolicy: BASE_CONTENT_SECURITY_POLICY,
  hstsMaxAgeSeconds: config.security.hstsMaxAgeSeconds,
});
mountOpenApi(app);
await mountQueueDashboard(app);
await mountConsole(app);
await listen(app, config.controlPlane.port, 'control-plane');
