import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Operator, OperatorTokensService, bearerOf, roleAllows } from '@platform/operator-auth';
import { ProvisioningQueue } from '@platform/queue';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';

/** Browsers log in with basic auth: any user name, the operator token as password. */
export function tokenOf(authorization: string | undefined): string | null {
  const bearer = bearerOf(authorization);
  if (bearer) return bearer;
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!basic) return null;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  return separator >= 0 ? decoded.slice(separator + 1) || null : null;
}

/**
 * Bull Board at /admin/queues, behind operator tokens: viewers may look, only operators and
 * admins may retry, promote or clean jobs.
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const queue = app.get(ProvisioningQueue).queue;
  const tokens = app.get(OperatorTokensService);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({ queues: [new BullMQAdapter(queue)], serverAdapter });

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = tokenOf(request.headers.authorization);
    const operator: Operator | null = token ? await tokens.authenticate(token, request.id) : null;
    if (!operator) {
      return reply
        .status(401)
        .header('www-authenticate', 'Basic realm="Tenant control plane (password: operator token)"')
        .send({ error: 'Unauthenticated', message: 'Log in with an operator token as the password' });
    }
    if (request.method !== 'GET' && !roleAllows(operator.role, 'operator')) {
      return reply.status(403).send({ error: 'Forbidden', message: 'Viewers can look at the queue but not change it' });
    }
  };

  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', authenticate);
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: QUEUE_DASHBOARD_PATH });
  });
}
