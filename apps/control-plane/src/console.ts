import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OperatorTokensService } from '@platform/operator-auth';
import { PROVISIONING_QUEUE } from '@platform/queue';
import { QUEUE_DASHBOARD_PATH, tokenOf } from './queue-dashboard.js';

export const CONSOLE_PATH = '/console';

/** The bundle `npm run build:console` writes (dist/console), beside this file's compiled folder. */
const CONSOLE_DIR = fileURLToPath(new URL('../../../console/', import.meta.url));

// Scripts and styles come only from the bundle; no inline script or style is allowed anywhere.
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const BASIC_CHALLENGE = 'Basic realm="Tenant control plane (password: operator token)"';

/**
 * The operator console: static files under /console/ and `GET /console/session`, which tells the
 * page who a token belongs to. The page then calls the admin API with that token, so every rule
 * of the API (roles, validation, audit) applies to it unchanged.
 */
export async function mountConsole(app: NestFastifyApplication): Promise<void> {
  const tokens = app.get(OperatorTokensService);

  // With `?login=basic` and no credentials the browser is asked for the queue dashboard's Basic
  // login; the token it sends as password is handed to the page, which holds it for the tab only.
  const session = async (request: FastifyRequest<{ Querystring: { login?: string } }>, reply: FastifyReply) => {
    void reply.header('cache-control', 'no-store');
    const authorization = request.headers.authorization;
    const token = tokenOf(authorization);
    const operator = token ? await tokens.authenticate(token, request.id) : null;
    if (!operator) {
      if (request.query.login === 'basic') void reply.header('www-authenticate', BASIC_CHALLENGE);
      return reply.status(401).send({ error: 'Unauthenticated', message: 'The operator token is unknown or revoked' });
    }
    const basic = /^Basic\s/i.test(authorization ?? '');
    return {
      name: operator.name,
      role: operator.role,
      queueDashboard: `${QUEUE_DASHBOARD_PATH}/queue/${PROVISIONING_QUEUE}`,
      ...(basic ? { token } : {}),
    };
  };

  await app.register(async (scope: FastifyInstance) => {
    // Runs after the app-wide security headers (a scope's hooks follow the root's), so this policy wins.
    scope.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', CONSOLE_CSP).header('referrer-policy', 'no-referrer');
    });
    scope.get(CONSOLE_PATH, (_request, reply) => reply.redirect(`${CONSOLE_PATH}/`));
    scope.get(`${CONSOLE_PATH}/session`, session);
    await scope.register(fastifyStatic, {
      root: CONSOLE_DIR,
      prefix: `${CONSOLE_PATH}/`,
      decorateReply: false,
    });
  });
}
