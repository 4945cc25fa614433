import { renderPreview } from './resource-table.js';

describe(renderPreview.name, () => {
  it('lists resources by name with their details, then the outputs', () => {
    const sut = renderPreview('Tenant acme (business), stack tenant-acme', {
      resources: [
        {
          type: 'gcp:dns/recordSet:RecordSet',
          name: 'tenant-acme-dns-acme.saas.example.com',
          inputs: { name: 'acme.saas.example.com.', type: 'A', rrdatas: ['203.0.113.10'] },
        },
        {
          type: 'kubernetes:core/v1:Namespace',
          name: 'tenant-acme-namespace',
          inputs: { metadata: { name: 'tenant-acme' } },
        },
        {
          type: 'kubernetes:apps/v1:Deployment',
          name: 'tenant-acme-counter-deployment',
          inputs: { metadata: { name: 'counter', namespace: 'tenant-acme' } },
        },
      ],
      outputs: { url: 'https://acme.saas.example.com/', hostnames: ['acme.saas.example.com'] },
    });
    expect(sut.split('\n')).toEqual([
      'Tenant acme (business), stack tenant-acme: 3 resources',
      '#  type                           name                                   details',
      '1  kubernetes:apps/v1:Deployment  tenant-acme-counter-deployment         tenant-acme/counter',
      '2  gcp:dns/recordSet:RecordSet    tenant-acme-dns-acme.saas.example.com  acme.saas.example.com. A 203.0.113.10',
      '3  kubernetes:core/v1:Namespace   tenant-acme-namespace                  tenant-acme',
      '',
      'outputs',
      'url        https://acme.saas.example.com/',
      'hostnames  ["acme.saas.example.com"]',
      '',
    ]);
  });
});
