import { automation } from '@pulumi/pulumi';

// `@pulumi/pulumi/automation` is a directory import, which Node's ESM resolver refuses; the root re-exports it.
type LocalWorkspaceOptions = automation.LocalWorkspaceOptions;
type OutputMap = automation.OutputMap;
type PulumiFn = automation.PulumiFn;
type Stack = automation.Stack;
const { LocalWorkspace } = automation;

export type { PulumiFn };

/** Stack outputs as plain values; secrets are replaced so they never reach logs or the tenant row. */
export type StackOutputs = Record<string, unknown>;

/** Stack config values; secret ones are encrypted by the stack's secrets provider. */
export type StackConfig = Record<string, { value: string; secret: boolean }>;

/** One tenant stack, as the pulumi target needs it. */
export interface TenantStackHandle {
  readonly name: string;
  /** Sets config keys of the stack (under the project's namespace) before an update. */
  setConfig(config: StackConfig): Promise<void>;
  refresh(): Promise<void>;
  up(): Promise<StackOutputs>;
  destroy(): Promise<void>;
  /** Releases the lock of an update that is no longer running (a crashed worker's). */
  cancel(): Promise<void>;
}

/** The Automation API boundary: the target is unit-tested against a fake of this, the CLI never runs in tests. */
export interface PulumiAutomation {
  selectStack(stackName: string, program: PulumiFn): Promise<TenantStackHandle>;
  removeStack(stackName: string): Promise<void>;
}

export interface PulumiWorkspaceSettings {
  projectName: string;
  backendUrl: string;
  passphrase?: string;
  /** `gcpkms://...` and the like; without it, the passphrase provider. */
  secretsProvider?: string;
}

export const REDACTED = '[secret]';

export function plainOutputs(outputs: OutputMap): StackOutputs {
  return Object.fromEntries(
    Object.entries(outputs).map(([key, output]) => [key, output.secret ? REDACTED : output.value]),
  );
}

/** The real boundary: LocalWorkspace with an inline program, state in `backendUrl`, no Pulumi.yaml on disk. */
export class LocalPulumiAutomation implements PulumiAutomation {
  constructor(private readonly settings: PulumiWorkspaceSettings) {}

  async selectStack(stackName: string, program: PulumiFn): Promise<TenantStackHandle> {
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName, projectName: this.settings.projectName, program },
      this.workspaceOptions(),
    );
    return new AutomationStackHandle(stackName, stack);
  }

  async removeStack(stackName: string): Promise<void> {
    const workspace = await LocalWorkspace.create(this.workspaceOptions());
    await workspace.removeStack(stackName);
  }

  private workspaceOptions(): LocalWorkspaceOptions {
    const { projectName, backendUrl, passphrase, secretsProvider } = this.settings;
    return {
      projectSettings: { name: projectName, runtime: 'nodejs', backend: { url: backendUrl } },
      secretsProvider: secretsProvider ?? 'passphrase',
      envVars: passphrase ? { PULUMI_CONFIG_PASSPHRASE: passphrase } : {},
    };
  }
}

class AutomationStackHandle implements TenantStackHandle {
  constructor(
    readonly name: string,
    private readonly stack: Stack,
  ) {}

  async setConfig(config: StackConfig): Promise<void> {
    await this.stack.setAllConfig(config);
  }

  async refresh(): Promise<void> {
    await this.stack.refresh();
  }

  async up(): Promise<StackOutputs> {
    const result = await this.stack.up();
    return plainOutputs(result.outputs);
  }

  async destroy(): Promise<void> {
    await this.stack.destroy();
  }

  async cancel(): Promise<void> {
    await this.stack.cancel();
  }
}
