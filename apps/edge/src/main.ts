import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { passBodiesThrough, workloadFastPath } from '@platform/edge';
import { createHttpApp, listen } from '@platform/http-api';
import { EdgeAppModule } from './edge-app.module.js';

const config = loadConfigOrExit('edge');
const app = await createHttpApp(EdgeAppModule, {
  name: 'edge',
  logLevel: config.app.logLevel,
  timeouts: config.http,
  tracing: config.tracing,
  fastPath: workloadFastPath,
});
passBodiesThrough(app);
await listen(app, config.edge.port, 'edge');
