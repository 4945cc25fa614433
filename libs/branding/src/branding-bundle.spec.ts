import { createHash } from 'node:crypto';
import { type BrandingBundle, type BrandingBundleInput, buildBrandingBundle } from './branding-bundle.js';
import type { Asset, BrandingInput } from './branding.types.js';

const SVG_LOGO = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle r="4" fill="#123456"/></svg>',
);
const PNG_LOGO = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

function aBrandingBundleInput(
  overrides: { displayName?: string; branding?: Partial<BrandingInput> } = {},
): BrandingBundleInput {
  return {
    slug: 'acme',
    displayName: overrides.displayName ?? 'Acme',
    branding: {
      primaryColor: '#3366cc',
      logo: { contentType: 'image/svg+xml', base64: SVG_LOGO.toString('base64') },
      ...overrides.branding,
    },
  };
}

function namesOf(bundle: BrandingBundle) {
  return {
    theme: bundle.theme.name,
    logo: bundle.logo?.name,
    landing: bundle.landingPage.name,
    suspended: bundle.suspendedPage.name,
  };
}

function textOf(asset: Asset): string {
  return asset.body.toString('utf8');
}

function sha256Prefix(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

describe(buildBrandingBundle.name, () => {
  describe('names', () => {
    it('are the stem, the first 16 hex digits of the SHA-256 of the body, and the extension', () => {
      const sut = buildBrandingBundle(aBrandingBundleInput());

      for (const [asset, stem, extension] of [
        [sut.theme, 'theme', 'css'],
        [sut.logo!, 'logo', 'svg'],
        [sut.landingPage, 'landing', 'html'],
        [sut.suspendedPage, 'suspended', 'html'],
      ] as const) {
        expect(asset.name).toMatch(new RegExp(`^${stem}-[0-9a-f]{16}\\.${extension}$`));
        expect(asset.name).toBe(`${stem}-${sha256Prefix(asset.body)}.${extension}`);
      }
    });

    it('are the same for the same input', () => {
      expect(namesOf(buildBrandingBundle(aBrandingBundleInput()))).toEqual(
        namesOf(buildBrandingBundle(aBrandingBundleInput())),
      );
    });

    it('change for the theme and both pages, not the logo, when the primary colour changes', () => {
      const before = namesOf(buildBrandingBundle(aBrandingBundleInput({ branding: { primaryColor: '#3366cc' } })));
      const after = namesOf(buildBrandingBundle(aBrandingBundleInput({ branding: { primaryColor: '#cc6633' } })));

      expect(after.theme).not.toBe(before.theme);
      expect(after.landing).not.toBe(before.landing);
      expect(after.suspended).not.toBe(before.suspended);
      expect(after.logo).toBe(before.logo);
    });

    it('change for the theme and both pages when the accent colour changes', () => {
      const before = namesOf(buildBrandingBundle(aBrandingBundleInput()));
      const after = namesOf(buildBrandingBundle(aBrandingBundleInput({ branding: { accentColor: '#00aa00' } })));

      expect(after.theme).not.toBe(before.theme);
      expect(after.landing).not.toBe(before.landing);
      expect(after.suspended).not.toBe(before.suspended);
      expect(after.logo).toBe(before.logo);
    });

    it('change for the pages only when the display name changes', () => {
      const before = namesOf(buildBrandingBundle(aBrandingBundleInput({ displayName: 'Acme' })));
      const after = namesOf(buildBrandingBundle(aBrandingBundleInput({ displayName: 'Acme Corp' })));

      expect(after.theme).toBe(before.theme);
      expect(after.logo).toBe(before.logo);
      expect(after.landing).not.toBe(before.landing);
      expect(after.suspended).not.toBe(before.suspended);
    });

    it('change for the logo and both pages, not the theme, when the logo changes', () => {
      const before = namesOf(buildBrandingBundle(aBrandingBundleInput()));
      const after = namesOf(
        buildBrandingBundle(
          aBrandingBundleInput({
            branding: { logo: { contentType: 'image/png', base64: PNG_LOGO.toString('base64') } },
          }),
        ),
      );

      expect(after.logo).toMatch(/^logo-[0-9a-f]{16}\.png$/);
      expect(after.logo).not.toBe(before.logo);
      expect(after.landing).not.toBe(before.landing);
      expect(after.suspended).not.toBe(before.suspended);
      expect(after.theme).toBe(before.theme);
    });

    it('do not depend on the slug, which is not part of any file', () => {
      const acme = buildBrandingBundle(aBrandingBundleInput());
      const other = buildBrandingBundle({ ...aBrandingBundleInput(), slug: 'other' });

      expect(namesOf(other)).toEqual(namesOf(acme));
    });

    it('are distinct across the bundle', () => {
      const sut = buildBrandingBundle(aBrandingBundleInput());

      expect(new Set(sut.assets.map((asset) => asset.name)).size).toBe(sut.assets.length);
    });
  });

  describe('assets', () => {
    it('are the theme, the logo and both pages, with their content types', () => {
      const sut = buildBrandingBundle(aBrandingBundleInput());

      expect(sut.assets).toEqual([sut.theme, sut.logo, sut.landingPage, sut.suspendedPage]);
      expect(sut.assets.map((asset) => asset.contentType)).toEqual([
        'text/css; charset=utf-8',
        'image/svg+xml; charset=utf-8',
        'text/html; charset=utf-8',
        'text/html; charset=utf-8',
      ]);
    });

    it('carry the logo bytes exactly as decoded from base64', () => {
      const sut = buildBrandingBundle(
        aBrandingBundleInput({ branding: { logo: { contentType: 'image/png', base64: PNG_LOGO.toString('base64') } } }),
      );

      expect(sut.logo?.contentType).toBe('image/png');
      expect(sut.logo?.body.equals(PNG_LOGO)).toBe(true);
    });

    it('leave the logo out when there is none', () => {
      const sut = buildBrandingBundle(aBrandingBundleInput({ branding: { logo: undefined } }));

      expect(sut.logo).toBeUndefined();
      expect(sut.assets).toEqual([sut.theme, sut.landingPage, sut.suspendedPage]);
    });

    it('put the colours into the theme, with a default accent', () => {
      const withAccent = textOf(
        buildBrandingBundle(aBrandingBundleInput({ branding: { accentColor: '#00aa00' } })).theme,
      );
      const withoutAccent = textOf(buildBrandingBundle(aBrandingBundleInput()).theme);

      expect(withAccent).toContain('--brand-primary: #3366cc;');
      expect(withAccent).toContain('--brand-accent: #00aa00;');
      expect(withoutAccent).toMatch(/--brand-accent: #[0-9a-f]{6};/);
    });
  });

  describe('pages', () => {
    it.each(['landingPage', 'suspendedPage'] as const)(
      '%s links the theme and shows the logo by /assets/<name>',
      (page) => {
        const sut = buildBrandingBundle(aBrandingBundleInput());
        const html = textOf(sut[page]);

        expect(html).toContain(`<link rel="stylesheet" href="/assets/${sut.theme.name}">`);
        expect(html).toContain(`<img class="logo" src="/assets/${sut.logo!.name}" alt="">`);
      },
    );

    it.each(['landingPage', 'suspendedPage'] as const)('%s has no image without a logo', (page) => {
      const sut = buildBrandingBundle(aBrandingBundleInput({ branding: { logo: undefined } }));
      const html = textOf(sut[page]);

      expect(html).toContain(`href="/assets/${sut.theme.name}"`);
      expect(html).not.toContain('<img');
    });

    it.each(['landingPage', 'suspendedPage'] as const)('%s escapes the display name everywhere it appears', (page) => {
      const html = textOf(buildBrandingBundle(aBrandingBundleInput({ displayName: `<b>&"'` }))[page]);

      expect(html).toContain('<title>&lt;b&gt;&amp;&quot;&#39;</title>');
      expect(html).toContain('<h1>&lt;b&gt;&amp;&quot;&#39;</h1>');
      expect(html).not.toContain('<b>');
      expect(html).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
    });

    it('a script in the display name stays text', () => {
      const html = textOf(
        buildBrandingBundle(aBrandingBundleInput({ displayName: '</title><script>alert(1)</script>' })).landingPage,
      );

      expect(html).not.toContain('<script>');
      expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    });

    it('the landing page welcomes visitors by name', () => {
      const html = textOf(buildBrandingBundle(aBrandingBundleInput({ displayName: 'Acme' })).landingPage);

      expect(html).toContain('<h1>Acme</h1>');
      expect(html).toContain('Welcome to Acme.');
      expect(html).not.toMatch(/suspended/i);
    });

    it('the suspended page says the tenant is suspended', () => {
      const html = textOf(buildBrandingBundle(aBrandingBundleInput({ displayName: 'Acme' })).suspendedPage);

      expect(html).toContain('<h1>Acme</h1>');
      expect(html).toContain('Acme is suspended at the moment.');
      expect(html).not.toContain('Welcome');
    });
  });

  it('is pure: it leaves its input untouched', () => {
    const input = aBrandingBundleInput({ branding: { accentColor: '#00aa00' } });
    const copy = structuredClone(input);

    buildBrandingBundle(input);

    expect(input).toEqual(copy);
  });
});
