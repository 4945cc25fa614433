import { createHash } from 'node:crypto';
import type { Asset, BrandingInput } from './branding.types.js';
import { renderPage } from './branding.pages.js';

export interface BrandingBundleInput {
  slug: string;
  displayName: string;
  branding: BrandingInput;
}

export interface BrandingBundle {
  assets: Asset[];
  landingPage: Asset;
  suspendedPage: Asset;
  theme: Asset;
  logo?: Asset;
}

const DEFAULT_ACCENT = '#222222';
const LOGO_FORMATS = {
  'image/svg+xml': { extension: 'svg', contentType: 'image/svg+xml; charset=utf-8' },
  'image/png': { extension: 'png', contentType: 'image/png' },
} as const;

/** `theme-0123456789abcdef.css`: the name changes exactly when the content does. */
export function contentHashedName(stem: string, extension: string, body: Buffer): string {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 16);
  return `${stem}-${hash}.${extension}`;
}

function asset(stem: string, extension: string, contentType: string, body: Buffer): Asset {
  return { name: contentHashedName(stem, extension, body), contentType, body };
}

function themeCss(branding: BrandingInput): string {
  return `:root {
  --brand-primary: ${branding.primaryColor};
  --brand-accent: ${branding.accentColor ?? DEFAULT_ACCENT};
}
body { margin: 0; font-family: system-ui, sans-serif; color: var(--brand-accent); background: #fff; }
main { max-width: 40rem; margin: 4rem auto; padding: 2rem; border-top: 0.5rem solid var(--brand-primary); }
h1 { color: var(--brand-primary); }
.logo { max-height: 4rem; }
`;
}

/** Pure: every file a tenant's branding consists of. Pages reference the other files by hashed name. */
export function buildBrandingBundle(input: BrandingBundleInput): BrandingBundle {
  const { branding, displayName } = input;
  const theme = asset('theme', 'css', 'text/css; charset=utf-8', Buffer.from(themeCss(branding)));
  const logo = branding.logo
    ? asset(
        'logo',
        LOGO_FORMATS[branding.logo.contentType].extension,
        LOGO_FORMATS[branding.logo.contentType].contentType,
        Buffer.from(branding.logo.base64, 'base64'),
      )
    : undefined;
  const common = {
    title: displayName,
    heading: displayName,
    themeHref: `/assets/${theme.name}`,
    logoSrc: logo && `/assets/${logo.name}`,
  };
  const html = (stem: string, message: string) =>
    asset(stem, 'html', 'text/html; charset=utf-8', Buffer.from(renderPage({ ...common, message })));
  const landingPage = html('landing', `Welcome to ${displayName}.`);
  const suspendedPage = html(
    'suspended',
    `${displayName} is suspended at the moment. Please contact its administrator.`,
  );
  return {
    assets: [theme, ...(logo ? [logo] : []), landingPage, suspendedPage],
    landingPage,
    suspendedPage,
    theme,
    logo,
  };
}
