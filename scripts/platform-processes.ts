import { type ChildProcess, spawn } from 'node:child_process';
import { get } from 'node:http';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

export const APPS = ['control-plane', 'provisioner', 'edge', 'counter', 'data-api'] as const;
export type PlatformApp = (typeof APPS)[number];

/** Compiled apps live in dist/apps, whether this file runs from dist/scripts or from source under Jest. */
const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = HERE.split('/').includes('dist') ? join(HERE, '..') : join(HERE, '..', 'dist');

export function appEntry(app: PlatformApp): string {
  return join(DIST, 'apps', app, 'src', 'main.js');
}

export interface SpawnOptions {
  env: Record<string, string>;
  onLine?: (app: PlatformApp, line: string) => void;
}

/** Apps run from compiled output with plain node (see docs/architecture.md, "Running the apps (why not tsx)"). */
export function spawnApp(app: PlatformApp, options: SpawnOptions): ChildProcess {
  const child = spawn(process.execPath, ['--enable-source-maps', appEntry(app)], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) options.onLine?.(app, line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

export async function waitForHttp(
  url: string,
  timeoutMs = 30_000,
  headers: Record<string, string> = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const status = await statusOf(url, headers);
      if (status >= 200 && status < 300) return;
      lastError = `HTTP ${status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms (${lastError})`);
}

/** node:http rather than fetch(), which silently drops a Host header (the edge routes on it). */
function statusOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = get(url, { headers, timeout: 2_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
  });
}

export function stopProcess(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}

export interface SupervisorOptions<Name extends string> {
  spawn: (name: Name) => ChildProcess;
  log: (line: string) => void;
  /** Delay before the first restart; doubled on each further exit, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** An app that ran at least this long before exiting is restarted after `initialDelayMs` again. */
  stableAfterMs?: number;
}

/**
 * Keeps every app running: one that exits is started again after an exponential backoff, and the
 * others are left alone, so one crashed workload never takes every tenant down. Only `stop()`
 * (Ctrl+C, SIGTERM) ends them all.
 */
export class ProcessSupervisor<Name extends string> {
  private readonly children = new Map<Name, ChildProcess>();
  private readonly pendingRestarts = new Map<Name, NodeJS.Timeout>();
  private readonly exitsInARow = new Map<Name, number>();
  private stopping = false;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly stableAfterMs: number;

  constructor(private readonly options: SupervisorOptions<Name>) {
    this.initialDelayMs = options.initialDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.stableAfterMs = options.stableAfterMs ?? 60_000;
  }

  start(names: readonly Name[]): void {
    for (const name of names) this.run(name);
  }

  /** The running child of an app, if it is running. */
  child(name: Name): ChildProcess | undefined {
    return this.children.get(name);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    this.stopping = true;
    for (const timer of this.pendingRestarts.values()) clearTimeout(timer);
    this.pendingRestarts.clear();
    await Promise.all([...this.children.values()].map((child) => stopProcess(child, signal)));
  }

  private run(name: Name): void {
    const startedAt = Date.now();
    const child = this.options.spawn(name);
    this.children.set(name, child);
    child.once('exit', (code, signal) => this.restartLater(name, Date.now() - startedAt, code, signal));
  }

  private restartLater(name: Name, ranMs: number, code: number | null, signal: NodeJS.Signals | null): void {
    this.children.delete(name);
    if (this.stopping) return;
    const exits = ranMs >= this.stableAfterMs ? 1 : (this.exitsInARow.get(name) ?? 0) + 1;
    this.exitsInARow.set(name, exits);
    const delayMs = Math.min(this.initialDelayMs * 2 ** (exits - 1), this.maxDelayMs);
    const reason = signal ? `signal ${signal}` : `exit code ${code}`;
    this.options.log(
      `[${name}] exited (${reason}) after ${ranMs} ms; restarting in ${delayMs} ms (exit ${exits} in a row)`,
    );
    const timer = setTimeout(() => {
      this.pendingRestarts.delete(name);
      this.run(name);
    }, delayMs);
    this.pendingRestarts.set(name, timer);
  }
}
