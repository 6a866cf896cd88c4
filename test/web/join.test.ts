/**
 * The join page in headless Chromium against a live server on a real port: the whole flow a
 * person goes through (open the shared link, give an allowed address, read the mail, confirm,
 * be listed as a member), every state's own words, keyboard-only use, and layout at 360 and
 * 1280 px.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../src/mail/eml.js';
import { DAY, type Harness, startHarness } from '../helpers/harness.js';
import { BROWSER_SKIPPED, launchChromium, openPage } from '../helpers/browser.js';
import { layoutProblems } from '../helpers/layout.js';
import { createJoinLink, joinCode } from '../helpers/routes.js';

const ARTIFACTS = 'test-results/screenshots';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `join page — SKIPPED: ${BROWSER_SKIPPED}` : 'join page', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  const pageErrors: string[] = [];
  let seq = 0;
  const acme = () => `person-${++seq}@acme.com`;

  beforeAll(async () => {
    h = await startHarness();
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    expect(pageErrors).toEqual([]);
  });

  /** A join link of the harness org, as a URL of the live server. */
  async function shared(body: Record<string, unknown> = {}) {
    const link = await createJoinLink(h, { role: 'edit', allowedDomains: ['acme.com'], ...body });
    return { ...link, live: `${url}/join/${joinCode(link)}` };
  }

  const open = (link: string, viewport = { width: 1280, height: 800 }) => openPage(browser, link, pageErrors, viewport);

  const heading = (page: Page) => page.getByRole('heading', { level: 1 });
  const members = async () =>
    (await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/members`, token: h.tokens.admin })).body.items.map((m: { email: string }) => m.email);

  it('the whole flow: open the link, give an allowed address, read the mail, confirm, be a member', async () => {
    const link = await shared();
    const page = await open(link.live);
    await expect.poll(() => heading(page).textContent()).toBe('Join Acme');
    const text = await page.locator('main').innerText();
    expect(text).toContain('edit');
    expect(text).toContain('Only addresses at acme.com can join with this link');
    const email = acme();
    await page.getByLabel('Your email address').fill(email);
    await page.getByRole('button', { name: 'Email me a link to join' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Check your inbox');
    expect(await page.locator('main').innerText()).toContain(`We sent a link to ${email}. Open it to join Acme.`);
    expect(await members()).not.toContain(email);

    // The mail's link, pointed at the live server, opens the invitation page as a confirmation.
    const mailed = new URL((await h.inviteLink(email)).link);
    const confirm = await open(`${url}${mailed.pathname}${mailed.search}`);
    await expect.poll(() => heading(confirm).textContent()).toBe('Join Acme');
    expect(await confirm.locator('main').innerText()).toContain('You asked to join Acme through a join link');
    await confirm.getByRole('button', { name: 'Accept invitation' }).click();
    await expect.poll(() => heading(confirm).textContent()).toBe('Welcome to Acme');
    expect(await members()).toContain(email);
    expect((await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/join-links/${link.id}`, token: h.tokens.admin })).body.uses).toBe(1);
    await page.close();
    await confirm.close();
  });

  it('a refused domain is said next to the field, and nothing is mailed', async () => {
    const link = await shared();
    const page = await open(link.live);
    await expect.poll(() => heading(page).textContent()).toBe('Join Acme');
    await page.getByLabel('Your email address').fill('mallory@evil.com');
    await page.getByRole('button', { name: 'Email me a link to join' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('This join link is only for addresses at acme.com. Use your address at that domain.');
    expect(await heading(page).textContent()).toBe('Join Acme');
    expect(await page.getByLabel('Your email address').inputValue()).toBe('mallory@evil.com');
    expect(await page.getByLabel('Your email address').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('Your email address').fill('not an address');
    await page.getByRole('button', { name: 'Email me a link to join' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Enter your email address, like name@example.com.');
    await h.gh.worker.drain();
    expect(await lastMail(h.mailFolder, 'mallory@evil.com')).toBeNull();
    await page.close();
  });

  it('an expired, a used-up, a disabled and a rotated link each say what happened', async () => {
    const expired = await shared({ expiresAt: new Date(h.now().getTime() + DAY).toISOString() });
    const usedUp = await shared({ maxUses: 1 });
    const usedEmail = acme();
    await h.request({ method: 'POST', url: '/join', body: { code: joinCode(usedUp), email: usedEmail } });
    const token = await h.inviteLink(usedEmail);
    await h.request({ method: 'POST', url: '/invites', body: { token: token.token, email: usedEmail, accept: true } });
    const disabled = await shared();
    await h.request({ method: 'PATCH', url: `/instances/${h.instanceId}/orgs/${h.orgId}/join-links/${disabled.id}`, token: h.tokens.admin, body: { state: 'disabled' } });
    const rotated = await shared();
    await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${h.orgId}/join-links/${rotated.id}/rotate`, token: h.tokens.admin });
    h.advance(DAY + 1000);
    const cases: [string, string, string][] = [
      [expired.live, 'The join link for Acme has expired', 'Ask the organization for a new link'],
      [usedUp.live, 'This join link has been used up', 'As many people have joined with this link as it allows'],
      [disabled.live, 'This join link cannot be used', 'turned off or replaced'],
      [rotated.live, 'This join link cannot be used', 'turned off or replaced'],
      [`${url}/join/not-a-code`, 'This join link cannot be used', 'Ask the organization for the current link'],
    ];
    for (const [link, title, words] of cases) {
      const page = await open(link);
      await expect.poll(() => heading(page).textContent(), { message: link }).toBe(title);
      const text = await page.locator('main').innerText();
      expect(text).toContain(words);
      expect(text).not.toMatch(/[{}]|NotFound|404|410/);
      await page.close();
    }
  });

  it('works with the keyboard alone at 360 px, and lays out without broken words at 360 and 1280 px (screenshots saved)', async () => {
    const link = await shared({ allowedDomains: ['acme.com', 'eu.acme.com'], expiresAt: new Date(h.now().getTime() + 30 * DAY).toISOString() });
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const width of [1280, 360]) {
      const page = await open(link.live, { width, height: 800 });
      await expect.poll(() => heading(page).textContent()).toBe('Join Acme');
      expect(await layoutProblems(page, 'main')).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/join-${width}px.png`, fullPage: true });
      if (width === 1280) {
        await page.close();
        continue;
      }
      // Focus starts on the heading; Tab reaches the field, typing and Enter send.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
      const email = acme();
      await page.keyboard.type(email);
      await page.keyboard.press('Enter');
      await expect.poll(() => heading(page).textContent()).toBe('Check your inbox');
      expect(await layoutProblems(page, 'main')).toEqual([]);
      await page.screenshot({ path: `${ARTIFACTS}/join-sent-360px.png`, fullPage: true });
      await page.close();
    }
  });

  it('is served with a strict policy, and the status tells a dead link from a live one', async () => {
    const link = await shared();
    const res = await fetch(link.live);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son\w+=/);
    expect((await fetch(`${url}/join/unknown-code`)).status).toBe(404);
  });
});
