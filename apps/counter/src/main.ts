import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { createHttpApp, listen } from '@platform/http-api';
import { CounterModule } from './counter.module.js';

const config = loadConfigOrExit('counter');
const app = await createHttpApp(CounterModule, { logLevel: config.app.logLevel });
await listen(app, config.counter.port, 'counter');
