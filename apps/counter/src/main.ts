import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { createHttpApp, listen } from '@platform/http-api';
import { admitCallsBeforeBodies } from '@platform/tenant-auth';
import { ownRequestMeter } from '@platform/usage';
import { CounterAppModule } from './counter.module.js';
import { nextValueFastPath, registerNextValueRoute } from './next-value.route.js';

// Counter bodies are at most `{ "start": n }`; anything big is refused before it is parsed.
const COUNTER_BODY_LIMIT_BYTES = 4_096;

const config = loadConfigOrExit('counter');
const app = await createHttpApp(CounterAppModule, {
  name: 'counter',
  logLevel: config.app.logLevel,
  timeouts: config.http,
  bodyLimitBytes: COUNTER_BODY_LIMIT_BYTES,
  tracing: config.tracing,
  shutdownDelayMs: config.app.shutdownDelayMs,
  // Single mode only: locally the edge counts these calls.
  onAnswer: ownRequestMeter(config, 'counter'),
  fastPath: nextValueFastPath,
});
admitCallsBeforeBodies(app, 'counter');
registerNextValueRoute(app);
await listen(app, config.counter.port, 'counter');
