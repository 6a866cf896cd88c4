/**
 * The org's branding as an invitee sees it, in headless Chromium on a real port: the logo
 * (served by Gatehouse), the product name, the accent on the buttons with words that stay
 * readable, the welcome page's link to the app, and the expired pages naming the org; at 360
 * and 1280 px, nothing off screen. Screenshots go to test-results/screenshots/.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium, openPage } from '../helpers/browser.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { layoutProblems } from '../helpers/layout.js';
import { logoPng } from '../helpers/png.js';
import { createJoinLink, freshEmail, joinCode } from '../helpers/routes.js';

const ARTIFACTS = 'test-results/screenshots';
const HOUR = 3_600_000;

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `branded pages — SKIPPED: ${BROWSER_SKIPPED}` : 'branded pages', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  let orgId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ inviteTtl: '1h' });
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    orgId = (await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs`, token: h.tokens.admin, body: { name: 'Rocket Lab' } })).body.id;
    const instance = await h.request({
      method: 'PATCH',
      url: `/instances/${h.instanceId}/branding`,
      token: h.tokens.admin,
      body: { productName: 'Acme Cloud', logo: logoPng().toString('base64'), continueOrigins: ['https://app.acme.com'], continueUrl: 'https://app.acme.com/start' },
    });
    expect(instance.status).toBe(200);
    // The org's own yellow over the instance's defaults.
    const own = await h.request({ method: 'PATCH', url: `/instances/${h.instanceId}/orgs/${orgId}/branding`, token: h.tokens.admin, body: { accentColor: '#ffd400' } });
    expect(own.status).toBe(200);
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    expect(pageErrors).toEqual([]);
  });

  async function invited(email = freshEmail('invitee')) {
    const res = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${orgId}/invites?perPage=1`, token: h.tokens.admin, body: { email, role: 'edit' } });
    expect(res.status).toBe(201);
    const link = new URL((await h.inviteLink(email)).link);
    return `${url}${link.pathname}${link.search}`;
  }
  const heading = (page: Page) => page.getByRole('heading', { level: 1 });
  const colours = (page: Page, selector: string) =>
    page.locator(selector).evaluate((e) => ({ background: getComputedStyle(e).backgroundColor, color: getComputedStyle(e).color }));

  it.each([360, 1280])('shows the logo, the product name and the accent at %i px, and links the new member to the app', async (width) => {
    const page = await openPage(browser, await invited(), pageErrors, { width, height: 800 });
    await expect.poll(() => heading(page).textContent()).toBe('Join Rocket Lab');
    expect(await page.title()).toBe('Join Rocket Lab · Acme Cloud');
    const logo = page.getByRole('img', { name: 'Acme Cloud' });
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(160);
    expect(await logo.getAttribute('src')).toMatch(new RegExp(`^/branding/${h.instanceId}/logo\\?v=`));
    // Yellow buttons with black words: the ink follows the accent.
    expect(await colours(page, 'button.primary')).toEqual({ background: 'rgb(255, 212, 0)', color: 'rgb(0, 0, 0)' });
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/branded-invite-${width}px.png`, fullPage: true });

    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Welcome to Rocket Lab');
    const onward = page.getByRole('link', { name: 'Continue to Acme Cloud' });
    expect(await onward.getAttribute('href')).toBe('https://app.acme.com/start');
    expect(await colours(page, 'a.button.primary')).toEqual({ background: 'rgb(255, 212, 0)', color: 'rgb(0, 0, 0)' });
    expect(await layoutProblems(page)).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/branded-welcome-${width}px.png`, fullPage: true });
    await page.close();
  });

  it('names the org on an expired invitation and an expired join link, in its branding', async () => {
    const invite = await invited();
    const link = await createJoinLink(h, { role: 'view', expiresAt: new Date(h.now().getTime() + HOUR).toISOString() }, orgId);
    h.advance(HOUR + 1000);
    const expiredInvite = await openPage(browser, invite, pageErrors, { width: 360, height: 800 });
    await expect.poll(() => heading(expiredInvite).textContent()).toBe('Your invitation to join Rocket Lab has expired');
    expect(await expiredInvite.title()).toBe('Your invitation to join Rocket Lab has expired · Acme Cloud');
    expect(await expiredInvite.getByRole('img', { name: 'Acme Cloud' }).isVisible()).toBe(true);
    expect(await layoutProblems(expiredInvite)).toEqual([]);
    await expiredInvite.close();

    const expiredJoin = await openPage(browser, `${url}/join/${joinCode(link)}`, pageErrors, { width: 360, height: 800 });
    await expect.poll(() => heading(expiredJoin).textContent()).toBe('The join link for Rocket Lab has expired');
    expect(await expiredJoin.getByRole('img', { name: 'Acme Cloud' }).isVisible()).toBe(true);
    await expiredJoin.close();
  });

  it('wears Gatehouse\'s own look for an unknown link, telling nothing of any org', async () => {
    const res = await fetch(`${url}/accept?token=${'a'.repeat(43)}&email=someone%40example.com`);
    const html = await res.text();
    expect(html).not.toContain('gatehouse-brand');
    expect(html).not.toContain('Acme Cloud');
    expect(html).toContain('· Gatehouse</title>');
  });

  it('keeps a hostile product name as text', async () => {
    await h.request({ method: 'PATCH', url: `/instances/${h.instanceId}/orgs/${orgId}/branding`, token: h.tokens.admin, body: { productName: '"><img src=x onerror=alert(1)>' } });
    const html = await (await fetch(await invited())).text();
    expect(html).not.toContain('<img src=x');
    const page = await openPage(browser, await invited(), pageErrors, { width: 1280, height: 800 });
    await expect.poll(() => heading(page).textContent()).toBe('Join Rocket Lab');
    expect(await page.title()).toBe('Join Rocket Lab · "><img src=x onerror=alert(1)>');
    expect(await page.locator('img').count()).toBe(1);
    await page.close();
  });
});
