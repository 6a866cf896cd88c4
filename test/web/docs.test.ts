/**
 * The API reference page (/docs) in headless Chromium against a live server on a real port:
 * Gatehouse's name and mark in its top bar (no Fastify logo, nothing from elsewhere), no
 * Content-Security-Policy violation and no console error while it loads and is used, and the
 * ids of its examples lower-case, as the API answers them.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ID } from '../../src/contract/canonical.js';
import { BROWSER_SKIPPED, launchChromium } from '../helpers/browser.js';
import { type Harness, startHarness } from '../helpers/harness.js';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `API reference page — SKIPPED: ${BROWSER_SKIPPED}` : 'API reference page', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    h = await startHarness();
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  interface Docs {
    page: Page;
    /** Page errors, console errors and failed answers. */
    problems: string[];
    /** Every URL the page asked for. */
    requests: string[];
    /** The page's `securitypolicyviolation` events, as `directive blocked-uri source:line`. */
    violations(): Promise<string[]>;
  }

  /** /docs (or a deep link into it) in a fresh page, once Swagger UI has rendered the operations. */
  async function openDocs(hash = ''): Promise<Docs> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(10_000);
    const problems: string[] = [];
    const requests: string[] = [];
    // Before any script of the page: a violation during the first render counts too.
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.assign(window, { cspViolations: seen });
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} ${e.blockedURI || '(inline)'} ${e.sourceFile}:${e.lineNumber}`));
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => void (message.type() === 'error' && problems.push(`console error: ${message.text()}`)));
    page.on('response', (res) => void (res.status() >= 400 && problems.push(`${res.status()} ${res.url()}`)));
    page.on('request', (req) => void requests.push(req.url()));
    await page.goto(`${url}/docs${hash}`);
    await page.locator('.opblock').first().waitFor();
    return { page, problems, requests, violations: () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations) };
  }

  it("carries Gatehouse's name and mark, not Fastify's, and loads and is used with no policy violation or console error", async () => {
    const { page, problems, requests, violations } = await openDocs();
    expect(await page.title()).toBe('Gatehouse API');
    const banner = page.getByRole('banner');
    expect((await banner.innerText()).trim()).toBe('Gatehouse API');
    // The mark loaded (an image the policy refused would have no size).
    const mark = banner.locator('img');
    expect(await mark.evaluate((img: HTMLImageElement) => [img.currentSrc, img.naturalWidth > 0])).toEqual([`${url}/docs/static/theme/gatehouse.svg`, true]);
    // Its only images and icons are Gatehouse's mark: not the plugin's logo (a data: URL), not its favicons.
    const images = await page.evaluate(() => [
      ...[...document.images].map((img) => img.src),
      ...[...document.querySelectorAll<HTMLLinkElement>('link[rel~="icon"]')].map((link) => link.href),
    ]);
    expect(new Set(images)).toEqual(new Set([`${url}/docs/static/theme/gatehouse.svg`]));
    const logo = await h.request({ method: 'GET', url: '/docs/static/theme/gatehouse.svg' });
    expect(logo.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(String(logo.body)).not.toMatch(/fastify|swagger/i);

    // Used: an operation opened and tried, a schema opened.
    const liveness = page.locator('.opblock').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/healthz$/ }) });
    await liveness.locator('.opblock-summary').click();
    await liveness.getByRole('button', { name: 'Try it out' }).click();
    await liveness.getByRole('button', { name: 'Execute' }).click();
    await liveness.locator('.live-responses-table .response-col_status', { hasText: '200' }).waitFor();
    const schemas = page.locator('section.models');
    await schemas.getByRole('button', { name: /Error/ }).first().click();
    await schemas.getByText('field', { exact: true }).first().waitFor();

    expect(requests.filter((r) => !r.startsWith(`${url}/`))).toEqual([]);
    expect(requests.filter((r) => /logo|favicon|fastify/i.test(r))).toEqual([]);
    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the ids of its examples in lower case', async () => {
    const { page, problems, violations } = await openDocs();
    // An operation with path ids and a body with ids (a member by userId, with role overrides).
    const addMember = page.locator('.opblock-post').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/instances\/\{instanceId\}\/orgs\/\{orgId\}\/members$/ }) });
    await addMember.locator('.opblock-summary').click();
    await addMember.getByRole('button', { name: 'Try it out' }).click();
    const body = addMember.locator('textarea.body-param__text');
    await body.waitFor();
    const sample = await body.inputValue();
    expect(sample).toContain(`"userId": "${EXAMPLE_ID}"`);
    expect(sample).toContain(`"resourceId": "${EXAMPLE_ID}"`);
    // The path ids are filled in with the example too.
    expect(await addMember.locator('input[placeholder="instanceId"]').inputValue()).toBe(EXAMPLE_ID);
    const text = `${await page.locator('#swagger-ui').innerText()}\n${sample}`;
    const ids = [...text.matchAll(/\b[0-9a-fA-F]{24}\b/g)].map((m) => m[0]);
    expect(ids.length).toBeGreaterThan(2);
    expect(ids.filter((id) => id !== id.toLowerCase())).toEqual([]);
    expect(await violations()).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});
