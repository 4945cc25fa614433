import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { PulumiCliMissingError } from './pulumi.errors.js';

/** Finds `pulumi` the way the Automation API will (on PATH), so a missing CLI stops the boot, not the first job. */
export function requirePulumiCli(pathVariable: string | undefined = process.env.PATH): string {
  const directories = (pathVariable ?? '').split(delimiter).filter(Boolean);
  for (const directory of directories) {
    const candidate = join(directory, 'pulumi');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory; keep looking.
    }
  }
  throw new PulumiCliMissingError(directories.join(delimiter));
}
