import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, watchForProblems, withScreenshotOnFailure } from './support/browser.js';
import { CallerConnection, type TenantWithKey, onboardWithKey } from './support/tenant-caller.js';
import { Stack, uniqueSlug } from './support/stack.js';
import { CLEAN_SVG_LOGO } from './support/tenant.factory.js';

describe('Operator console (Chromium)', () => {
  let stack: Stack;
  let browser: Browser;
  let tenant: TenantWithKey;
  let viewerToken: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [stack, browser] = await Promise.all([
      Stack.start(['control-plane', 'provisioner', 'edge', 'counter'], { USAGE_FLUSH_INTERVAL_MS: '500' }),
      launchChromium(),
    ]);
    tenant = await onboardWithKey(stack, 'console');
    const caller = new CallerConnection(stack.edgeUrl, tenant.host, tenant.key);
    for (let i = 0; i < 5; i += 1) await caller.next('/api/counter', 'orders');
    await caller.close();
    const viewer = await stack.api<{ token: string }>('POST', '/v1/operator-tokens', {
      body: { name: 'auditor', role: 'viewer' },
    });
    viewerToken = viewer.body.token;
  }, 90_000);

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser?.close();
    await stack?.stop();
  });

  /** A fresh browser profile (its own session storage) with a problem log. */
  const open = async (options: { httpCredentials?: { username: string; password: string } } = {}) => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, ...options });
    contexts.push(context);
    const page = await context.newPage();
    const problems = watchForProblems(page);
    await page.goto(`${stack.controlPlaneUrl}/console`);
    return { page, problems };
  };

  const signIn = async (page: Page, token: string) => {
    await page.getByLabel('Operator token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Tenants' }).waitFor();
  };

  it('is served with a strict CSP and no inline script or style', async () => {
    const answer = await fetch(`${stack.controlPlaneUrl}/console/`);
    expect(answer.status).toBe(200);
    const csp = answer.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const page = await answer.text();
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
  });

  it('signs in with a token, lists the tenant as Ready, filters by phase and searches', async () => {
    const { page, problems } = await open();
    await withScreenshotOnFailure(page, 'console-table', async () => {
      await signIn(page, stack.adminToken);
      const row = page.locator(`tr[data-slug="${tenant.slug}"]`);
      await expect(row.locator('.phase').textContent()).resolves.toBe('Ready');
      await expect(row.textContent()).resolves.toContain(`${tenant.slug}.localhost`);
      await expect(row.textContent()).resolves.toContain(`Tenant ${tenant.slug}`);

      await page.getByLabel('Phase').selectOption('Failed');
      await row.waitFor({ state: 'detached' });
      await page.getByLabel('Phase').selectOption('Ready');
      await row.waitFor();
      await page.getByLabel('Search').fill('no-such-tenant');
      await row.waitFor({ state: 'detached' });
      await page.getByLabel('Search').fill(tenant.slug);
      await row.waitFor();

      // Keyboard only: the slug link is reachable and opens the tenant.
      await page.locator(`a[href="#/tenants/${tenant.slug}"]`).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Conditions' }).waitFor();
      expect(problems).toEqual([]);
    });
  });

  it("shows a tenant's conditions, jobs linked to the queue dashboard, keys without secrets, audit and usage", async () => {
    const { page, problems } = await open();
    await withScreenshotOnFailure(page, 'console-tenant', async () => {
      await signIn(page, stack.adminToken);
      await page.goto(`${stack.controlPlaneUrl}/console/#/tenants/${tenant.slug}`);
      await page.getByRole('heading', { name: 'Conditions' }).waitFor();
      const ready = page.locator('table.conditions tr', { hasText: 'Ready' }).first();
      await expect(ready.textContent()).resolves.toContain('True');
      const jobLink = page.locator('table.jobs a').first();
      await expect(jobLink.getAttribute('href')).resolves.toMatch(/^\/admin\/queues\/queue\/provisioning\/.+/);
      await expect(page.locator('table.jobs').textContent()).resolves.toContain('completed');
      await expect(page.locator('ul.keys').textContent()).resolves.toContain('tests');
      expect(await page.content()).not.toContain(tenant.key);
      await expect(page.locator('ol.audit').textContent()).resolves.toContain('tenant.create');
      await page.locator('[data-series="counterValues"] figcaption', { hasText: 'Counter values: 5 ' }).waitFor();
      expect(await page.locator('[data-series="counterValues"] rect').count()).toBe(30);
      expect(problems).toEqual([]);
    });
  });

  it('suspends and resumes a tenant, and the phase follows the job live', async () => {
    const { page, problems } = await open();
    await withScreenshotOnFailure(page, 'console-suspend', async () => {
      await signIn(page, stack.adminToken);
      await page.goto(`${stack.controlPlaneUrl}/console/#/tenants/${tenant.slug}`);
      await page.getByRole('button', { name: 'Suspend' }).click();
      await page.locator('#phase', { hasText: 'Suspended' }).waitFor({ timeout: 20_000 });
      expect((await stack.api('GET', `/v1/tenants/${tenant.slug}`)).body.status.phase).toBe('Suspended');
      await page.locator('ol.audit', { hasText: 'tenant.suspend' }).waitFor();

      await page.getByRole('button', { name: 'Resume' }).click();
      await page.locator('#phase', { hasText: 'Ready' }).waitFor({ timeout: 20_000 });
      expect(problems).toEqual([]);
    });
  });

  it('rebrands with the colour picker', async () => {
    const { page, problems } = await open();
    await withScreenshotOnFailure(page, 'console-rebrand', async () => {
      await signIn(page, stack.adminToken);
      await page.goto(`${stack.controlPlaneUrl}/console/#/tenants/${tenant.slug}`);
      await page.getByRole('button', { name: 'Rebrand' }).click();
      await page.getByLabel('Primary colour').fill('#aa3300');
      await page.getByRole('button', { name: 'Save branding' }).click();
      await page.getByRole('status').filter({ hasText: 'Rebrand: accepted' }).waitFor();
      expect((await stack.api('GET', `/v1/tenants/${tenant.slug}`)).body.branding.primaryColor).toBe('#aa3300');
      expect(problems).toEqual([]);
    });
  });

  it('onboards a tenant with a logo, follows it to Ready live, and offboards it', async () => {
    const { page, problems } = await open();
    const slug = uniqueSlug('console-new');
    await withScreenshotOnFailure(page, 'console-onboard', async () => {
      await signIn(page, stack.adminToken);
      await page.getByRole('link', { name: 'Onboard a tenant' }).click();
      await page.getByLabel('Slug').fill(slug);
      await page.getByLabel('Display name').fill('Console Made');
      await page.getByLabel('Tier').selectOption('starter');
      await page.getByLabel('Primary colour').fill('#117744');
      await page
        .getByLabel(/^Logo/)
        .setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(CLEAN_SVG_LOGO, 'base64') });
      await page.getByRole('button', { name: 'Onboard' }).click();
      await page.getByRole('heading', { name: new RegExp(slug) }).waitFor();
      await page.locator('#phase', { hasText: 'Ready' }).waitFor({ timeout: 30_000 });
      const created = (await stack.api('GET', `/v1/tenants/${slug}`)).body;
      expect(created).toMatchObject({
        displayName: 'Console Made',
        tier: 'starter',
        branding: { primaryColor: '#117744', logo: { contentType: 'image/svg+xml' } },
      });

      await page.getByRole('button', { name: 'Offboard' }).click();
      const confirm = page.getByRole('button', { name: 'Offboard tenant' });
      expect(await confirm.isDisabled()).toBe(true);
      await page.getByLabel('Type the slug to confirm').fill(slug);
      await confirm.click();
      await page.locator('#phase', { hasText: 'Deleted' }).waitFor({ timeout: 30_000 });
      expect(problems).toEqual([]);
    });
  }, 90_000);

  it('shows a viewer no button that changes anything', async () => {
    const { page, problems } = await open();
    await withScreenshotOnFailure(page, 'console-viewer', async () => {
      await signIn(page, viewerToken);
      expect(await page.getByRole('link', { name: 'Onboard a tenant' }).count()).toBe(0);
      await page.locator(`a[href="#/tenants/${tenant.slug}"]`).click();
      await page.getByRole('heading', { name: 'Conditions' }).waitFor();
      await page.locator('[data-series="counterValues"]').waitFor();
      const buttons = await page.getByRole('button').allTextContents();
      expect(buttons.map((text) => text.trim())).toEqual(['Sign out']);
      expect(await page.locator('form').count()).toBe(0);
      expect(await page.locator('.role').textContent()).toBe('viewer');
      expect(problems).toEqual([]);
    });
  });

  it("signs in with the queue dashboard's Basic login (token as password)", async () => {
    const { page, problems } = await open({ httpCredentials: { username: 'ops', password: stack.adminToken } });
    await withScreenshotOnFailure(page, 'console-basic', async () => {
      await page.getByRole('button', { name: "use the queue dashboard's login" }).click();
      await page.getByRole('heading', { name: 'Tenants' }).waitFor();
      expect(await page.locator('.who').textContent()).toContain('bootstrap-admin');
      expect(problems).toEqual([]);
    });
  });

  it('refuses an unknown token with a message', async () => {
    const { page, problems } = await open();
    await withScreenshotOnFailure(page, 'console-bad-token', async () => {
      await page.getByLabel('Operator token').fill('op_not-a-real-token');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'unknown or revoked' }).waitFor();
      // The refused sign-in itself is reported as a failed resource; nothing else may be.
      expect(problems.filter((problem) => !problem.includes('401'))).toEqual([]);
      expect(problems.some((problem) => problem.startsWith('http 401:') && problem.endsWith('/console/session'))).toBe(
        true,
      );
    });
  });
});
