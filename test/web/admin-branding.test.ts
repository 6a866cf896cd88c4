/**
 * The console's branding view in headless Chromium against a live server: an admin brands the
 * instance and one organization, sees the preview, and a refused value shows by its field;
 * a read-only token sees the settings without a form. Checked through the API as well.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium } from '../helpers/browser.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { signedInConsole } from '../helpers/console.js';
import { logoPng } from '../helpers/png.js';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `console branding — SKIPPED: ${BROWSER_SKIPPED}` : 'console branding', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHarness();
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  const openView = (token: string) => signedInConsole(browser, contexts, url, token, '#branding');
  const status = (page: Page) => page.locator('.messages').getByRole('status', { includeHidden: true }).textContent();
  const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000 });
  const branding = async (path = '') => (await h.request({ method: 'GET', url: `/instances/${h.instanceId}${path}/branding`, token: h.tokens.admin })).body;

  it('brands the instance: product name, accent, logo upload, origins and continue URL, with a preview', async () => {
    const { page, problems } = await openView(h.tokens.admin);
    const form = page.getByRole('form', { name: 'Branding of the instance' });
    await form.getByLabel(/^Product name/).fill('Acme Cloud');
    await form.getByLabel(/^Accent colour/).fill('#ffd400');
    await form.getByLabel(/^Allowed origins/).fill('https://app.acme.com\nhttp://localhost:8080');
    await form.getByLabel(/^Continue URL/).fill('https://app.acme.com/start');
    await form.getByLabel(/^Logo/).setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logoPng() });
    await form.getByRole('button', { name: 'Save branding' }).click();
    await eventually(() => status(page)).toBe('Saved the branding. New pages and mail use it now.');

    const saved = await branding();
    expect(saved).toMatchObject({ productName: 'Acme Cloud', accentColor: '#ffd400', continueOrigins: ['https://app.acme.com', 'http://localhost:8080'], continueUrl: 'https://app.acme.com/start' });
    expect(saved.logoUrl).toBeDefined();
    // The preview shows the uploaded logo and a yellow button with black words.
    const preview = page.getByLabel('What invitees see');
    await eventually(() => preview.getByRole('img', { name: 'Acme Cloud' }).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);
    const button = preview.getByText('Accept invitation');
    expect(await button.evaluate((e) => [getComputedStyle(e).backgroundColor, getComputedStyle(e).color])).toEqual(['rgb(255, 212, 0)', 'rgb(0, 0, 0)']);
    expect(problems).toEqual([]);
  });

  it('shows a refused continue URL next to its field, and brands one organization over the instance', async () => {
    const { page, problems } = await openView(h.tokens.admin);
    await page.getByLabel('Branding of', { exact: true }).selectOption({ label: 'Acme' });
    const form = page.getByRole('form', { name: 'Branding of the organization' });
    await expect.poll(() => form.isVisible()).toBe(true);
    expect(await form.getByLabel(/^Allowed origins/).count()).toBe(0);
    const continueUrl = form.getByLabel(/^Continue URL/);
    await continueUrl.fill('https://evil.example.com/');
    await form.getByRole('button', { name: 'Save branding' }).click();
    const problem = form.locator('.field-problem');
    await eventually(() => problem.textContent()).toMatch(/continueUrl must be on one of the instance's continueOrigins/);
    expect(await continueUrl.getAttribute('aria-invalid')).toBe('true');
    expect((await branding(`/orgs/${h.orgId}`)).continueUrl).toBeUndefined();

    await continueUrl.fill('http://localhost:8080/acme');
    await form.getByLabel(/^Product name/).fill('Acme Rockets');
    await form.getByRole('button', { name: 'Save branding' }).click();
    await eventually(() => status(page)).toBe('Saved the branding. New pages and mail use it now.');
    const org = await branding(`/orgs/${h.orgId}`);
    expect(org).toMatchObject({ productName: 'Acme Rockets', continueUrl: 'http://localhost:8080/acme', effective: { productName: 'Acme Rockets', accentColor: '#ffd400' } });
    expect(problems.filter((p) => !p.startsWith('400 PATCH'))).toEqual([]);
  });

  it('shows a read-only token the settings without a form', async () => {
    const { page } = await openView(h.tokens.read);
    await eventually(() => page.getByRole('region', { name: 'Branding' }).locator('dl').innerText()).toContain('Acme Cloud');
    expect(await page.getByRole('form').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save branding' }).count()).toBe(0);
  });
});
