const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/**
 * Served with every page and asset of a tenant: it loads only its own stylesheet and logo, runs
 * nothing, cannot be framed by another site, submits no form and cannot move its base URL.
 */
export const PAGE_CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'; " +
  "frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': PAGE_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

export interface PageParts {
  title: string;
  heading: string;
  message: string;
  themeHref?: string;
  logoSrc?: string;
}

/** Every page the platform serves has this shape; text is escaped here, once. */
export function renderPage(parts: PageParts): string {
  const theme = parts.themeHref ? `\n  <link rel="stylesheet" href="${escapeHtml(parts.themeHref)}">` : '';
  const logo = parts.logoSrc ? `\n    <img class="logo" src="${escapeHtml(parts.logoSrc)}" alt="">` : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(parts.title)}</title>${theme}
</head>
<body>
  <main>${logo}
    <h1>${escapeHtml(parts.heading)}</h1>
    <p>${escapeHtml(parts.message)}</p>
  </main>
</body>
</html>
`;
}

export function renderNotFoundPage(what: string): string {
  return renderPage({ title: 'Not found', heading: 'Not found', message: `Nothing is served at ${what}.` });
}

export function renderNotReadyPage(displayName: string): string {
  return renderPage({
    title: displayName,
    heading: displayName,
    message: 'This site is being set up. Please try again in a few seconds.',
  });
}
