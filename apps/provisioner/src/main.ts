import 'reflect-metadata';
import { getPriority, setPriority } from 'node:os';
import { loadConfigOrExit } from '@platform/config';
import { createHttpApp, listen } from '@platform/http-api';
import { ProvisionerModule } from './provisioner.module.js';

const config = loadConfigOrExit('provisioner');
// Below the admin API and the workloads where they share CPUs (one machine, `npm start`): under a
// burst of onboardings the converging otherwise takes the cores the admin API answers on.
// Only ever made nicer: started under a higher nice already, going back down needs privileges (EACCES at boot).
if (getPriority() < config.provisioner.nice) setPriority(config.provisioner.nice);
const app = await createHttpApp(ProvisionerModule, {
  name: 'provisioner',
  logLevel: config.app.logLevel,
  timeouts: config.http,
  tracing: config.tracing,
  shutdownDelayMs: config.app.shutdownDelayMs,
});
await listen(app, config.provisioner.port, 'provisioner');
