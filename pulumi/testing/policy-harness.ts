import type {
  Policy,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy';
import { type RecordedResource, revealSecret } from './recording-mocks.js';

export interface Violation {
  policy: string;
  message: string;
}

/** Policies see secrets as plain values (the Pulumi engine unwraps them before analysis); so do these runs. */
function unwrapSecrets(value: unknown): unknown {
  const revealed = revealSecret(value).value;
  if (Array.isArray(revealed)) return revealed.map(unwrapSecrets);
  if (!revealed || typeof revealed !== 'object') return revealed;
  return Object.fromEntries(Object.entries(revealed).map(([key, child]) => [key, unwrapSecrets(child)]));
}

function asPolicyResource(resource: RecordedResource): PolicyResource {
  return {
    type: resource.type,
    name: resource.name,
    urn: `urn:pulumi:mock-stack::mock-project::${resource.type}::${resource.name}`,
    props: unwrapSecrets(resource.inputs) as Record<string, unknown>,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
    isType: () => false,
    asType: () => undefined,
  } as unknown as PolicyResource;
}

const notApplicable = (reason?: string): never => {
  throw new Error(`not applicable: ${reason ?? ''}`);
};

/**
 * Runs a policy pack's validate functions over resources rendered by a program under mocks, the
 * way `pulumi preview --policy-pack` would run them over the engine's resources, offline.
 */
export async function runPolicies(policies: Policy[], resources: RecordedResource[]): Promise<Violation[]> {
  const violations: Violation[] = [];
  const policyResources = resources.map(asPolicyResource);
  for (const policy of policies) {
    const report = (message: string) => violations.push({ policy: policy.name, message });
    const stackPolicy = policy as StackValidationPolicy;
    if (stackPolicy.validateStack) {
      const args = { resources: policyResources, stackTags: new Map(), getConfig: () => ({}), notApplicable };
      await stackPolicy.validateStack(args as unknown as StackValidationArgs, report);
    }
    const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
    for (const resource of policyResources)
      for (const validate of validations)
        await validate(
          {
            ...resource,
            stackTags: new Map(),
            getConfig: () => ({}),
            notApplicable,
          } as unknown as ResourceValidationArgs,
          report,
        );
  }
  return violations;
}
