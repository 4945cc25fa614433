import { REDACTED, plainOutputs } from './pulumi-automation.js';

describe(plainOutputs.name, () => {
  it('keeps plain outputs and never lets a secret output through', () => {
    const sut = plainOutputs({
      url: { value: 'https://acme.saas.example.com/', secret: false },
      dnsRecords: { value: ['acme.saas.example.com.'], secret: false },
      kubeconfig: { value: '{"users":[{"token":"do-not-leak"}]}', secret: true },
    });
    expect(sut).toEqual({
      url: 'https://acme.saas.example.com/',
      dnsRecords: ['acme.saas.example.com.'],
      kubeconfig: REDACTED,
    });
  });
});
