/** The Pulumi CLI the Automation API drives is not installed; the pulumi target cannot start. */
export class PulumiCliMissingError extends Error {
  constructor(searched: string) {
    super(
      'PROVISIONING_TARGET=pulumi needs the Pulumi CLI (v3.x), and `pulumi` was not found on PATH ' +
        `(searched: ${searched || '<empty PATH>'}). Install it with \`curl -fsSL https://get.pulumi.com | sh\` ` +
        "(see https://www.pulumi.com/docs/iac/download-install/) and put it on the provisioner's PATH, " +
        'or set PROVISIONING_TARGET=local.',
    );
    this.name = 'PulumiCliMissing';
  }
}

/**
 * The tenant's stack stayed locked even after `cancel`: retryable, because the lock belongs to an
 * update that is gone or about to finish, and the next attempt runs after BullMQ's backoff.
 */
export class PulumiStackLockedError extends Error {
  constructor(stackName: string, detail: string) {
    super(`Stack ${stackName} is locked by another update (${detail}); will retry`);
    this.name = 'PulumiStackLocked';
  }
}

/** `up`, `refresh` or `destroy` failed; the message carries Pulumi's own error lines, not its whole log. */
export class PulumiOperationError extends Error {
  constructor(operation: string, stackName: string, cause: unknown) {
    super(`pulumi ${operation} failed for stack ${stackName}: ${summarizePulumiError(cause)}`, { cause });
    this.name = 'PulumiOperationFailed';
  }
}

// Pulumi Cloud answers 409; self-managed backends (gs://, s3://, file://) report a lock file.
const LOCKED_PATTERNS = [
  /\[409\] Conflict: Another update is currently in progress/,
  /the stack is currently locked by \d+ lock/,
];

/** True for the Automation API's ConcurrentUpdateError and the self-managed backends' lock message. */
export function isStackLocked(error: unknown): boolean {
  if (error instanceof Error && error.constructor.name === 'ConcurrentUpdateError') return true;
  const message = error instanceof Error ? error.message : String(error);
  return LOCKED_PATTERNS.some((pattern) => pattern.test(message));
}

const MAX_SUMMARY = 600;

/** A CommandError's message is the command's full stdout and stderr; keep the `error:` lines a person needs. */
export function summarizePulumiError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  // Error lines, including the first stderr line, which CommandError prefixes with `stderr: `.
  const errorLine = /^(?:stderr:\s*)?error:\s*/i;
  const errors = lines.filter((line) => errorLine.test(line)).map((line) => line.replace(errorLine, ''));
  const summary = (errors.length > 0 ? errors : lines.slice(-3)).join('; ');
  return summary.length > MAX_SUMMARY ? `${summary.slice(0, MAX_SUMMARY - 1)}…` : summary;
}
