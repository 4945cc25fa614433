import * as pulumi from '@pulumi/pulumi';
import type { RecordedRun } from '../testing/recording-mocks.js';

export const SECRET_PLACEHOLDER = '[secret]';

export interface PreviewResource {
  /** Pulumi's type token, e.g. `kubernetes:apps/v1:Deployment`, `gcp:compute/uRLMap:URLMap`. */
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface PreviewStack {
  stack: string;
  resources: PreviewResource[];
}

/** `npm run preview -- --json`: what each stack would create, secrets replaced by `"[secret]"`. */
export interface PreviewDocument {
  stacks: PreviewStack[];
}

/** Secrets arrive at the mocks wrapped in Pulumi's wire format; none of their values may be printed. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (!value || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (record[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return SECRET_PLACEHOLDER;
  return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, maskSecrets(child)]));
}

/** One stack of the preview, resources in a stable order (by name, then type). */
export function previewStack(stack: string, run: RecordedRun): PreviewStack {
  const resources = [...run.resources]
    .sort((a, b) => a.name.localeCompare(b.name) || a.type.localeCompare(b.type))
    .map((resource) => ({
      type: resource.type,
      name: resource.name,
      inputs: maskSecrets(resource.inputs) as Record<string, unknown>,
    }));
  return { stack, resources };
}
