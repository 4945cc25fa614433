import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadConfigOrExit } from '@platform/config';
import { applyMigrations } from '@platform/database';
import { APPS, type PlatformApp, ProcessSupervisor, spawnApp, waitForHttp } from './platform-processes.js';

const COLOURS: Record<PlatformApp, string> = {
  'control-plane': '\x1b[36m',
  provisioner: '\x1b[35m',
  edge: '\x1b[32m',
  counter: '\x1b[33m',
  'data-api': '\x1b[34m',
};

/** A secret that survives restarts of `npm start`, kept in var/ (git-ignored, readable by this user only). */
async function localSecret(file: string, bytes: number): Promise<string> {
  await mkdir('var', { recursive: true });
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const secret = randomBytes(bytes).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

const env: Record<string, string> = {};
if (!process.env.ADMIN_TOKEN) env.ADMIN_TOKEN = await localSecret('var/admin-token', 32);
if (!process.env.EDGE_SIGNING_SECRET) env.EDGE_SIGNING_SECRET = await localSecret('var/edge-signing-secret', 48);
Object.assign(process.env, env);

const config = loadConfigOrExit('edge');
for (const migration of await applyMigrations(config.database.url, 'prisma/migrations', config.database.caCertFile)) {
  console.log(`migrations: ${migration.applied ? 'applied' : 'up to date'} ${migration.name}`);
}

const supervisor = new ProcessSupervisor<PlatformApp>({
  spawn: (app) =>
    spawnApp(app, { env, onLine: (name, line) => console.log(`${COLOURS[name]}[${name}]\x1b[0m ${line}`) }),
  log: (line) => console.error(line),
});
supervisor.start(APPS);

async function stopAll(): Promise<never> {
  await supervisor.stop();
  process.exit(0);
}
process.once('SIGINT', () => void stopAll());
process.once('SIGTERM', () => void stopAll());

const controlPlane = `http://localhost:${config.controlPlane.port}`;
await Promise.all([
  waitForHttp(`${controlPlane}/ready`),
  waitForHttp(`http://localhost:${config.edge.port}/health`, 30_000, { host: config.platform.domain }),
]);
const tokenHint =
  process.env.ADMIN_TOKEN && !env.ADMIN_TOKEN ? 'the ADMIN_TOKEN you exported' : '$(cat var/admin-token)';
console.log(`
Platform is up.
  Admin API        ${controlPlane}/v1/tenants   (OpenAPI: ${controlPlane}/docs)
  Queue dashboard  ${controlPlane}/admin/queues (browser login: any user name, password = admin token)
  Console          ${controlPlane}/console      (sign in with the admin token)
  Tenants          http://<slug>.${config.platform.domain}:${config.edge.port}/
  Admin token      ${tokenHint}
Try:  curl -H "Authorization: Bearer $(cat var/admin-token)" ${controlPlane}/v1/tenants
Stop with Ctrl+C.`);
