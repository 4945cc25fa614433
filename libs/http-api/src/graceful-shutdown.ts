import type { Server } from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from 'pino';
import { startDraining } from '@platform/observability';

// Past this, connections still open after the delay (a stuck upload, a client that never reads)
// are cut, so a replica exits within SHUTDOWN_DELAY_MS + 20 s, inside its pod's grace period.
const MAX_CLOSE_MS = 20_000;

export interface Stoppable {
  /** Set once the server stops accepting: answers then carry `Connection: close`. */
  stopping: boolean;
}

/**
 * On SIGTERM or SIGINT: readiness turns unready at once while the app keeps serving for
 * `delayMs` (load balancers take it out of rotation meanwhile), then the server stops accepting
 * and waits for the requests in flight, and only then do modules close their pools and queues.
 */
export function drainOnSignals(app: NestFastifyApplication, state: Stoppable, delayMs: number, logger: Logger): void {
  let started = false;
  const drain = async (signal: NodeJS.Signals) => {
    if (started) return;
    started = true;
    startDraining();
    logger.info({ signal, delayMs }, 'Shutting down: unready now, serving for the delay, then draining');
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    state.stopping = true;
    await closeServer(app.getHttpServer() as Server);
    await app.close();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.once(
      signal,
      () =>
        void drain(signal).catch((error: Error) => {
          logger.error({ err: error }, 'Shutdown failed');
          process.exit(1);
        }),
    );
}

/** Stops accepting; resolves once every connection has finished its request and closed. */
function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const idle = setInterval(() => server.closeIdleConnections(), 50);
    const cap = setTimeout(() => server.closeAllConnections(), MAX_CLOSE_MS);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(cap);
      resolve();
    });
    server.closeIdleConnections();
  });
}
