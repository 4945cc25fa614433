import * as pulumi from '@pulumi/pulumi';
import { platformProgram } from './platform-program.js';

/** Entry point for `pulumi preview/up`; Pulumi calls the default export, so importing creates nothing. */
export default async function main() {
  const gcpConfig = new pulumi.Config('gcp');
  const config = new pulumi.Config('platform');
  return platformProgram({
    name: config.get('name') ?? 'platform',
    project: gcpConfig.require('project'),
    region: gcpConfig.require('region'),
    domain: config.require('domain'),
    highAvailability: config.getBoolean('highAvailability') ?? true,
    databasePassword: config.requireSecret('databasePassword'),
    edgeSigningSecret: config.requireSecret('edgeSigningSecret'),
  })();
}
