import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { passBodiesThrough, workloadFastPath } from '@platform/edge';
import { BASE_CONTENT_SECURITY_POLICY, addSecurityHeaders, createHttpApp, listen } from '@platform/http-api';
import { EdgeAppModule } from './edge-app.module.js';

const config = loadConfigOrExit('edge');
const app = await createHttpApp(EdgeAppModule, {
  name: 'edge',
  logLevel: config.app.logLevel,
  timeouts: config.http,
  tracing: config.tracing,
  shutdownDelayMs: config.app.shutdownDelayMs,
  fastPath: workloadFastPath,
});
passBodiesThrough(app);
addSecurityHeaders(app, {
  contentSecurityPolicy: BASE_CONTENT_SECURITY_POLICY,
  hstsMaxAgeSeconds: config.security.hstsMaxAgeSeconds,
});
await listen(app, config.edge.port, 'edge');
