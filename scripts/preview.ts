import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type PreviewDocument, previewStack } from '../pulumi/preview/preview-data.js';
import { type PreviewedStack, previewPlatform, previewTenant, specFrom } from '../pulumi/preview/preview-stacks.js';
import { renderPreview } from '../pulumi/preview/resource-table.js';

const USAGE = `usage: npm run preview -- [--tenant <slug | spec.json> ...] [--platform] [--json]
                       [--tier starter|business|enterprise] [--domain saas.example.com]

Prints the resources the tenant stacks (and with --platform the platform stack) would create, from
the programs run under mocks (no Pulumi CLI, no cloud). A spec file holds the body of POST /v1/tenants.
--json prints { "stacks": [ { "stack", "resources": [ { "type", "name", "inputs" } ] } ] }, secrets as "[secret]".`;

const { values } = parseArgs({
  options: {
    tenant: { type: 'string', multiple: true },
    platform: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    tier: { type: 'string', default: 'business' },
    domain: { type: 'string', default: 'saas.example.com' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help || (!values.tenant?.length && !values.platform)) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 64);
}

try {
  const stacks: PreviewedStack[] = [];
  if (values.platform) stacks.push(await previewPlatform(values.domain));
  for (const tenant of values.tenant ?? [])
    stacks.push(await previewTenant(await specFrom(tenant, values.tier), values.domain));
  if (values.json) {
    const document: PreviewDocument = { stacks: stacks.map(({ stack, run }) => previewStack(stack, run)) };
    console.log(JSON.stringify(document, null, 2));
  } else {
    // Addresses, self links and platform outputs are what the mocks answer, not what the cloud will.
    console.log(
      'Preview under mocks: cloud-computed values (IPs, self links, platform stack outputs) are placeholders.\n',
    );
    for (const { title, run } of stacks) console.log(renderPreview(title, run));
  }
} catch (error) {
  const message =
    error instanceof z.ZodError
      ? `invalid tenant:\n${z.prettifyError(error)}`
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`preview: ${message}`);
  process.exit(1);
}
