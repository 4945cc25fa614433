import * as pulumi from '@pulumi/pulumi';
import { MOCK_TENANT_CONFIG, mockTenantConfig, recordProgram } from '../testing/recording-mocks.js';
import { TENANT_CONFIG_KEYS, requireImageDigest, tenantCredentialsFromConfig } from './tenant-settings.js';

const DIGEST = `sha256:${'0f'.repeat(32)}`;

describe(requireImageDigest.name, () => {
  it('accepts an image by digest', () => {
    expect(requireImageDigest(`europe-west1-docker.pkg.dev/p/platform-images/platform@${DIGEST}`)).toContain(DIGEST);
  });

  it.each(['europe-west1-docker.pkg.dev/p/platform-images/platform:latest', 'platform', `platform@sha256:abc`])(
    'refuses %s',
    (image) => {
      expect(() => requireImageDigest(image)).toThrow('image must be referenced by digest');
    },
  );
});

describe(tenantCredentialsFromConfig.name, () => {
  const credentialsOf = (config: ReturnType<typeof mockTenantConfig>) =>
    recordProgram(async () => {
      const credentials = tenantCredentialsFromConfig();
      return {
        ...credentials,
        secret: await Promise.all(
          [credentials.databaseUrl, credentials.tokenSigningKey].map((value) => pulumi.isSecret(pulumi.output(value))),
        ),
      };
    }, config);

  it('reads the credentials the provisioner sets on the stack, keeping the key and URL secret', async () => {
    const { outputs } = await credentialsOf(mockTenantConfig());
    expect(outputs).toEqual({
      databaseUrl: MOCK_TENANT_CONFIG.tenantDatabaseUrl,
      tokenSigningKey: MOCK_TENANT_CONFIG.tenantTokenSigningKey,
      redisPrefix: MOCK_TENANT_CONFIG.tenantRedisPrefix,
      secret: [true, true],
    });
  });

  it('refuses to run without them', async () => {
    const { values, secretKeys } = mockTenantConfig();
    delete values[`tenant:${TENANT_CONFIG_KEYS.tokenSigningKey}`];
    await expect(credentialsOf({ values, secretKeys })).rejects.toThrow(/tenantTokenSigningKey/);
  });
});
