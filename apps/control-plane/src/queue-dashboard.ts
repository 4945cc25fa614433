import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AuditService } from '@platform/audit';
import { PLATFORM_CONFIG, type PlatformConfig } from '@platform/config';
import { PrismaService } from '@platform/database';
import { type Operator, OperatorTokensService, bearerOf, roleAllows } from '@platform/operator-auth';
import { INGESTION_QUEUE, ProvisioningQueue, createRedis } from '@platform/queue';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
/** Scripts that change queues without a browser send this header; no other site can make a browser send it. */
export const QUEUE_DASHBOARD_CSRF_HEADER = 'x-requested-by';

const READ_METHODS = new Set(['GET', 'HEAD']);

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
 * Browsers resend basic credentials on a cross-site form post, so a change must prove it comes from
 * the dashboard's own page: the browser's `Sec-Fetch-Site`, else its `Origin`, else (no browser) a
 * custom header that another site cannot make a browser send.
 */
export function isSameOriginChange(headers: FastifyRequest['headers']): boolean {
  const site = headers['sec-fetch-site'];
  if (site) return site === 'same-origin';
  const origin = headers.origin;
  if (origin) return URL.parse(origin)?.host === headers.host;
  return headers[QUEUE_DASHBOARD_CSRF_HEADER] !== undefined;
}

/** `/admin/queues/api/queues/<name>/...` names the queue a change is about; pause-all and resume-all name none. */
function queueNameOf(url: string): string {
  const match = /\/api\/queues\/([^/?]+)/.exec(url);
  const name = match ? decodeURIComponent(match[1]!) : '';
  return name && name !== 'pause' && name !== 'resume' ? name : 'all';
}

/**
 * Bull Board at /admin/queues over every queue the platform runs (provisioning, data ingestion),
 * behind operator tokens: viewers may look, operators and admins may retry, promote or clean jobs,
 * from the dashboard's own page only, and every change is written to the audit log before it is made.
 */
export async function mountQueueDashboard(app: NestFastifyApplication): Promise<void> {
  const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
  const tokens = app.get(OperatorTokensService);
  const audit = app.get(AuditService);
  const prisma = app.get(PrismaService);
  const ingestionRedis = createRedis(config.redis.url, 'producer');
  const ingestion = new Queue(INGESTION_QUEUE, { connection: ingestionRedis, prefix: config.redis.prefix });
  ingestion.on('error', () => undefined);
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(app.get(ProvisioningQueue).queue), new BullMQAdapter(ingestion)],
    serverAdapter,
  });

  const authenticate = async (request: FastifyRequest, reply: FastifyReply) => {
    const token = tokenOf(request.headers.authorization);
    const operator: Operator | null = token ? await tokens.authenticate(token, request.id) : null;
    if (!operator) {
      return reply
        .status(401)
        .header('www-authenticate', 'Basic realm="Tenant control plane (password: operator token)"')
        .send({ error: 'Unauthenticated', message: 'Log in with an operator token as the password' });
    }
    if (READ_METHODS.has(request.method)) return;
    if (!roleAllows(operator.role, 'operator')) {
      return reply.status(403).send({ error: 'Forbidden', message: 'Viewers can look at the queue but not change it' });
    }
    if (!isSameOriginChange(request.headers)) {
      return reply.status(403).send({
        error: 'Forbidden',
        message: `Queue changes are taken from the dashboard's own page only (or with an ${QUEUE_DASHBOARD_CSRF_HEADER} header)`,
      });
    }
    await prisma.$transaction((tx) =>
      audit.record(
        tx,
        operator,
        'queue.change',
        { type: 'queue', id: queueNameOf(request.url) },
        { method: request.method, path: request.url.split('?')[0]! },
      ),
    );
  };

  await app.register(async (scope: FastifyInstance) => {
    scope.addHook('onRequest', authenticate);
    scope.addHook('onClose', async () => {
      await ingestion.close();
      ingestionRedis.disconnect();
    });
    await scope.register(serverAdapter.registerPlugin() as never, { prefix: QUEUE_DASHBOARD_PATH });
  });
}
