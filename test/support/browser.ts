import { mkdir } from 'node:fs/promises';
import { type Browser, type Page, chromium } from 'playwright-core';

/** Debian's Chromium (the `chromium` package, which .ci/run installs). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Everything a page reported as going wrong: uncaught exceptions, console errors and Content
 * Security Policy violations (Chromium reports those as console errors too, but a listener in
 * the page names them precisely).
 */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`http ${response.status()}: ${response.url()}`);
  });
  void page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));`,
  });
  return problems;
}

/** Runs a browser test; on failure the page is saved as var/<name>.png before the error is rethrown. */
export async function withScreenshotOnFailure(page: Page, name: string, test: () => Promise<void>): Promise<void> {
  try {
    await test();
  } catch (error) {
    await mkdir('var', { recursive: true });
    await page.screenshot({ path: `var/${name}.png`, fullPage: true }).catch(() => undefined);
    throw error;
  }
}
