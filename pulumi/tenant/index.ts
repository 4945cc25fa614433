import * as pulumi from '@pulumi/pulumi';
import type { TenantSpec } from '@platform/tenancy';
import { tenantProgram } from './tenant-program.js';
import { settingsFromPlatformStack } from './tenant-settings.js';

/**
 * Entry point for `pulumi preview/up` run by hand or in CI. Pulumi calls the default export, so
 * importing this module creates nothing; the provisioner uses `tenantProgram` directly. The
 * tenant's credentials (`tenantDatabaseUrl`, `tenantTokenSigningKey`, `tenantRedisPrefix`) are
 * read from the stack config by `settingsFromPlatformStack`.
 */
export default async function main() {
  const config = new pulumi.Config();
  const spec = config.requireObject<TenantSpec>('spec');
  return tenantProgram(spec, () =>
    settingsFromPlatformStack({
      platformStack: config.require('platformStack'),
      platformDomain: config.require('platformDomain'),
      database: { schema: config.require('databaseSchema'), role: config.require('databaseRole') },
    }),
  )();
}
