import { type ChildProcess, spawn } from 'node:child_process';
import { ProcessSupervisor } from './platform-processes.js';

type Script = 'steady' | 'crashes' | 'killed';

/** Real node processes: one that keeps running, one that exits with code 3, one killed by a signal. */
const SCRIPTS: Record<Script, string> = {
  steady: 'setInterval(() => {}, 1000)',
  crashes: 'setTimeout(() => process.exit(3), 20)',
  killed: "setTimeout(() => process.kill(process.pid, 'SIGKILL'), 20)",
};

function aSupervisor(spawned: Map<Script, ChildProcess[]>, lines: string[]) {
  return new ProcessSupervisor<Script>({
    spawn: (name) => {
      const child = spawn(process.execPath, ['-e', SCRIPTS[name]], { stdio: 'ignore' });
      spawned.set(name, [...(spawned.get(name) ?? []), child]);
      return child;
    },
    log: (line) => lines.push(line),
    initialDelayMs: 100,
    maxDelayMs: 400,
  });
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(ProcessSupervisor.name, () => {
  let sut: ProcessSupervisor<Script>;
  afterEach(async () => {
    await sut?.stop();
  });

  it('restarts an app that exits with a doubling, capped delay and leaves the others running', async () => {
    const spawned = new Map<Script, ChildProcess[]>();
    const lines: string[] = [];
    sut = aSupervisor(spawned, lines);
    sut.start(['steady', 'crashes']);
    const steady = spawned.get('steady')![0]!;

    await until(() => (spawned.get('crashes')?.length ?? 0) >= 5);

    expect(spawned.get('steady')).toHaveLength(1);
    expect(exited(steady)).toBe(false);
    const delays = lines.map((line) => Number(/restarting in (\d+) ms/.exec(line)?.[1]));
    expect(delays.slice(0, 4)).toEqual([100, 200, 400, 400]);
    expect(lines[0]).toMatch(/^\[crashes\] exited \(exit code 3\) after \d+ ms; restarting in 100 ms/);
  });

  it('says which signal ended an app', async () => {
    const spawned = new Map<Script, ChildProcess[]>();
    const lines: string[] = [];
    sut = aSupervisor(spawned, lines);
    sut.start(['killed']);

    await until(() => (spawned.get('killed')?.length ?? 0) >= 2);

    expect(lines[0]).toMatch(/^\[killed\] exited \(signal SIGKILL\) after \d+ ms; restarting in 100 ms/);
  });

  it('stop() ends every app and cancels pending restarts', async () => {
    const spawned = new Map<Script, ChildProcess[]>();
    const lines: string[] = [];
    sut = aSupervisor(spawned, lines);
    sut.start(['steady', 'crashes']);
    await until(() => lines.length >= 1);

    await sut.stop();
    const started = spawned.get('crashes')!.length;
    await new Promise((resolve) => setTimeout(resolve, 600));

    expect([...spawned.values()].flat().every(exited)).toBe(true);
    expect(spawned.get('crashes')).toHaveLength(started);
  });
});
