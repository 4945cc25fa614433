import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokenLinks, documentationFiles, headingSlugs } from './docs-links.js';

describe('links in README.md and docs/', () => {
  it('every relative link leads to an existing file and, with an anchor, to an existing heading', () => {
    const files = documentationFiles(process.cwd());
    expect(files).toEqual(expect.arrayContaining(['README.md', 'docs/architecture.md', 'docs/tenant-api.md']));
    expect(brokenLinks(process.cwd(), files)).toEqual([]);
  });
});

describe('brokenLinks', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'docs-links-'));
    mkdirSync(join(root, 'docs'));
    writeFileSync(
      join(root, 'docs', 'guide.md'),
      '# Guide\n\n## Running tenants on GCP + GKE (the `pulumi` target)\n\n## Limits\n\n## Limits\n',
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reports a missing file, a missing heading and a link out of the repository, with their lines', () => {
    writeFileSync(
      join(root, 'README.md'),
      [
        '# Readme',
        '',
        'See [the guide](docs/guide.md) and [GKE](docs/guide.md#running-tenants-on-gcp--gke-the-pulumi-target).',
        '',
        'Gone: [old](docs/missing.md), [moved](docs/guide.md#tests-and-benchmarks) and [here](#nowhere).',
        '',
        '| a | b |',
        '|---|---|',
        '| [in a table](docs/table.md) | [up](../outside.md) |',
        '',
        '[ref]: docs/also-missing.md',
        '',
        'Not links: `[x](docs/code.md)`, [web](https://example.com/missing.md), [same page](#readme).',
        '',
        '```md',
        '[in a code block](docs/block.md)',
        '```',
      ].join('\n'),
    );

    expect(brokenLinks(root, ['README.md'])).toEqual([
      { file: 'README.md', line: 5, target: 'docs/missing.md', reason: 'no such file' },
      {
        file: 'README.md',
        line: 5,
        target: 'docs/guide.md#tests-and-benchmarks',
        reason: 'no heading with anchor #tests-and-benchmarks',
      },
      { file: 'README.md', line: 5, target: '#nowhere', reason: 'no heading with anchor #nowhere' },
      { file: 'README.md', line: 9, target: 'docs/table.md', reason: 'no such file' },
      { file: 'README.md', line: 9, target: '../outside.md', reason: 'points outside the repository' },
      { file: 'README.md', line: 0, target: 'docs/also-missing.md', reason: 'no such file' },
    ]);
  });

  it('resolves links relative to the file that holds them', () => {
    writeFileSync(join(root, 'README.md'), '# Readme\n');
    writeFileSync(
      join(root, 'docs', 'other.md'),
      '[guide](guide.md#limits-1) [front](../README.md#readme) [bad](README.md)\n',
    );
    expect(brokenLinks(root, ['docs/other.md'])).toEqual([
      { file: 'docs/other.md', line: 1, target: 'README.md', reason: 'no such file' },
    ]);
  });
});

describe('headingSlugs', () => {
  it("gives GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered", () => {
    const slugs = headingSlugs(
      '# Tenant control plane\n## Running tenants on GCP + GKE (the `pulumi` target)\n## Why Postgres is the source of truth\n### Limits\n### Limits\n## Running the apps (why not tsx)\n',
    );
    expect([...slugs]).toEqual([
      'tenant-control-plane',
      'running-tenants-on-gcp--gke-the-pulumi-target',
      'why-postgres-is-the-source-of-truth',
      'limits',
      'limits-1',
      'running-the-apps-why-not-tsx',
    ]);
  });
});
