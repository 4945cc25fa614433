import { pipeline } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastPath, hasRequestBody, requestIdOf } from '@platform/http-api';
import { meterWorkloadRequest } from '@platform/usage';
import { jsonAnswer } from './edge-answer.js';
import { type Workload, WorkloadProxy, releaseWhenDone } from './workload.proxy.js';

const WORKLOAD_PATH = /^\/api\/(counter|data)(?=[/?]|$)/;

/**
 * Workload calls without a body (every counter `next`, every read) are relayed before Fastify
 * when this edge decides from memory that the host's tenant is live and the call passes the same
 * gate as the full route (credential, scope, limits). Bodies, unknown hosts, tenants not ready or
 * suspended, every refusal and everything else take the full route, which answers them.
 */
export function workloadFastPath(app: NestFastifyApplication): FastPath {
  const proxy = app.get(WorkloadProxy);
  return (request, response) => {
    const match = WORKLOAD_PATH.exec(request.url ?? '');
    if (!match || hasRequestBody(request)) return false;
    const workload = match[1] as Workload;
    const method = request.method ?? 'GET';
    const path = request.url!.slice(match[0].length);
    const held = proxy.admitHeld(workload, method, path, request.headers);
    if (!held) return false;
    const id = requestIdOf(request);
    const relayed = proxy.relay(workload, held.route, {
      method,
      path,
      headers: request.headers,
      ip: request.socket.remoteAddress ?? '',
      id,
      body: null,
    });
    releaseWhenDone(response, relayed, held.admission.release);
    relayed
      .then((answer) => {
        meterWorkloadRequest({ tenantId: held.route.tenantId, tenantSlug: held.route.slug }, workload, answer.status);
        answer.headers['x-request-id'] = id;
        if (answer.body !== undefined) answer.headers['content-length'] = String(Buffer.byteLength(answer.body));
        response.writeHead(answer.status, answer.headers);
        if (answer.stream) pipeline(answer.stream, response, () => undefined);
        else response.end(answer.body);
      })
      // `relay` answers every upstream failure itself; this is only for what could not be written.
      .catch(() => {
        if (response.headersSent) response.destroy();
        else {
          const failed = jsonAnswer(502, {
            error: 'WorkloadUnavailable',
            message: 'The workload answer could not be relayed',
          });
          response.writeHead(failed.status, failed.headers).end(failed.body);
        }
      });
    return `/api/${workload}/*`;
  };
}
