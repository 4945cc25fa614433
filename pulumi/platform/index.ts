import * as pulumi from '@pulumi/pulumi';
import { platformProgram } from './platform-program.js';

/**
 * Entry point for `pulumi preview/up`; Pulumi calls the default export, so importing creates nothing.
 * The one-time setup of the config it requires is in docs/deploy-gcp.md.
 */
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
    adminToken: config.requireSecret('adminToken'),
    images: {
      tag: config.require('imageTag'),
      platformDigest: config.require('platformImageDigest'),
      provisionerDigest: config.require('provisionerImageDigest'),
    },
    pulumi: {
      backendUrl: config.require('pulumiBackendUrl'),
      stateBucket: config.require('pulumiStateBucket'),
      secretsProvider: config.require('pulumiSecretsProvider'),
      kmsCryptoKey: config.require('pulumiKmsCryptoKey'),
    },
    adminSourceRanges: config.getObject<string[]>('adminSourceRanges') ?? ['10.0.0.0/8'],
  })();
}
