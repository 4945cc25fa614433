import 'reflect-metadata';
import { loadConfigOrExit } from '@platform/config';
import { createHttpApp, listen } from '@platform/http-api';
import { DataApiModule } from './data-api.module.js';

const config = loadConfigOrExit('data-api');
const app = await createHttpApp(DataApiModule, { logLevel: config.app.logLevel });
await listen(app, config.dataApi.port, 'data-api');
