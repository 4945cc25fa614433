import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { requirePulumiCli } from './pulumi-cli.js';
import { PulumiCliMissingError } from './pulumi.errors.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const PROVISIONER = join(ROOT, 'dist/apps/provisioner/src/main.js');
// System tools only: the Pulumi CLI is never on these directories.
const SYSTEM_PATH = '/usr/bin:/bin';
const BOOT_DEADLINE_MS = 30_000;

async function directoryWithFakePulumi(mode: number): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'fake-pulumi-'));
  await writeFile(join(directory, 'pulumi'), '#!/bin/sh\necho "v3.200.0"\n');
  await chmod(join(directory, 'pulumi'), mode);
  return directory;
}

interface Exit {
  code: number | null;
  output: string;
}

/** Starts the compiled provisioner with only the given environment; resolves on exit or when `until` is printed. */
function startProvisioner(env: Record<string, string>, until?: RegExp): Promise<Exit> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child: ChildProcess = spawn(process.execPath, [PROVISIONER], {
      env: {
        HOME: tmpdir(),
        PROVISIONER_PORT: '0',
        LOG_LEVEL: 'warn',
        // A database that does not exist and a queue prefix of its own: this process touches nobody's data.
        DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/pulumi_boot_spec_absent',
        QUEUE_PREFIX: `pulumi-boot-${process.pid}`,
        RECONCILE_INTERVAL_MS: '600000',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (until?.test(output)) child.kill('SIGTERM');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    // Never outlive the test: a child left running would keep Jest from exiting.
    const deadline = setTimeout(() => child.kill('SIGKILL'), BOOT_DEADLINE_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(deadline);
      resolve({ code, output });
    });
  });
}

describe(requirePulumiCli.name, () => {
  const created: string[] = [];
  afterAll(() => Promise.all(created.map((directory) => rm(directory, { recursive: true, force: true }))));

  it('finds an executable pulumi on PATH', async () => {
    const directory = await directoryWithFakePulumi(0o755);
    created.push(directory);
    expect(requirePulumiCli(`${SYSTEM_PATH}:${directory}`)).toBe(join(directory, 'pulumi'));
  });

  it('refuses a pulumi that is not executable, and says what to install', async () => {
    const directory = await directoryWithFakePulumi(0o644);
    created.push(directory);
    expect(() => requirePulumiCli(directory)).toThrow(PulumiCliMissingError);
    expect(() => requirePulumiCli(directory)).toThrow(/curl -fsSL https:\/\/get\.pulumi\.com \| sh/);
  });
});

describe('provisioner boot with PROVISIONING_TARGET=pulumi', () => {
  beforeAll(() => {
    if (!existsSync(PROVISIONER))
      throw new Error(`${PROVISIONER} is missing: run \`npm run build\` first (npm test does)`);
  });

  it('stops with a message naming the CLI to install when pulumi is not on PATH', async () => {
    const sut = await startProvisioner({ PATH: SYSTEM_PATH, PROVISIONING_TARGET: 'pulumi' });
    expect(sut.code).not.toBe(0);
    expect(sut.output).toContain('PROVISIONING_TARGET=pulumi needs the Pulumi CLI');
    expect(sut.output).toContain('https://get.pulumi.com');
  });

  it('names every missing setting once the CLI is there', async () => {
    const directory = await directoryWithFakePulumi(0o755);
    try {
      const sut = await startProvisioner({ PATH: `${SYSTEM_PATH}:${directory}`, PROVISIONING_TARGET: 'pulumi' });
      expect(sut.code).not.toBe(0);
      for (const key of [
        'PULUMI_BACKEND_URL',
        'PULUMI_CONFIG_PASSPHRASE or PULUMI_SECRETS_PROVIDER',
        'PULUMI_PLATFORM_STACK',
        'PULUMI_IMAGE_TAG',
        'PROVISIONER_LOCK_MS',
      ]) {
        expect(sut.output).toContain(key);
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it('leaves the local target working without the CLI', async () => {
    const sut = await startProvisioner({ PATH: SYSTEM_PATH, PROVISIONING_TARGET: 'local' }, /provisioner listening on/);
    expect(sut.output).toContain('provisioner listening on');
    expect(sut.output).not.toContain('Pulumi');
  });
});
