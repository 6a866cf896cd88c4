/**
 * The invitation page in headless Chromium against a live server on a real port: every state
 * an invitee can meet, safety (token out of the address bar, text not HTML, headers), and
 * keyboard-only use on a phone-sized screen.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium, openPage } from '../helpers/browser.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshEmail } from '../helpers/routes.js';

const ARTIFACTS = 'test-results/screenshots';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `invitation page — SKIPPED: ${BROWSER_SKIPPED}` : 'invitation page', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ inviteTtl: '1h' });
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    expect(pageErrors).toEqual([]);
  });

  /** Invites `email` to `orgId` and returns the link of its mail, pointed at the live server. */
  async function invited(email = freshEmail('invitee'), orgId = h.orgId, token = h.tokens.admin) {
    const res = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${orgId}/invites?perPage=1`, token, body: { email, role: 'edit' } });
    expect(res.status).toBe(201);
    const link = new URL((await h.inviteLink(email)).link);
    return { email, link: `${url}${link.pathname}${link.search}` };
  }

  const open = (link: string, viewport = { width: 1024, height: 768 }) => openPage(browser, link, pageErrors, viewport);

  const heading = (page: Page) => page.getByRole('heading', { level: 1 });
  const members = async () =>
    (await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/members`, token: h.tokens.admin })).body.items.map(
      (m: { email: string }) => m.email,
    );

  it('shows the offer (org, role, inviter, expiry), changes nothing on load, and accepts on a click', async () => {
    const { email, link } = await invited(freshEmail('invitee'), h.orgId, h.tokens.userAdmin);
    const before = await h.snapshot();
    const page = await open(link);
    await expect.poll(() => heading(page).textContent()).toBe('Join Acme');
    const facts = await page.locator('dl').innerText();
    expect(facts).toContain('edit');
    expect(facts).toContain(email);
    expect(facts).toContain('Ida (instance-admin@example.com)');
    expect(await page.locator('time').getAttribute('datetime')).toBe(new Date(h.now().getTime() + 3_600_000).toISOString());
    expect(await h.snapshot(), 'opening the page changed nothing').toBe(before);
    // The token left the address bar (and the history entry) as soon as the page loaded.
    expect(page.url()).toBe(`${url}/accept`);
    expect(await page.evaluate(() => location.href)).not.toContain('token');

    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Welcome to Acme');
    expect(await page.locator('main').innerText()).toMatch(/You are now a member of Acme with the role edit/);
    expect(await members()).toContain(email);
    await page.close();
  });

  it('declines only after a confirmation, and Back returns to the offer', async () => {
    const { email, link } = await invited();
    const page = await open(link);
    await page.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Decline the invitation to Acme?');
    await page.getByRole('button', { name: 'Back' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Join Acme');
    await page.getByRole('button', { name: 'Decline' }).click();
    await page.getByRole('button', { name: 'Yes, decline' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Invitation declined');
    expect(await members()).not.toContain(email);
    await page.close();
  });

  it('tells an expired link to ask for a new invitation', async () => {
    const { link } = await invited();
    h.advance(3_600_001);
    const page = await open(link);
    await expect.poll(() => heading(page).textContent()).toBe('Your invitation to join Acme has expired');
    expect(await page.locator('main').innerText()).toContain('Ask the organization for a new invitation');
    await page.close();
  });

  it('a revoked, an already used, an altered and a mismatched link all say the invitation cannot be used', async () => {
    const revoked = await invited();
    const list = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites?filterField=email&filter=${revoked.email}`, token: h.tokens.admin });
    await h.request({ method: 'DELETE', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites/${list.body.items[0].id}`, token: h.tokens.admin });
    const used = await invited();
    const token = new URL(used.link).searchParams.get('token')!;
    expect((await h.request({ method: 'POST', url: '/invites', body: { token, email: used.email, accept: true } })).status).toBe(200);
    const mismatched = await invited();
    const links = [
      revoked.link,
      used.link,
      used.link.replace(/token=[^&]+/, 'token=gh_not-a-real-token'),
      mismatched.link.replace(/email=[^&]+/, 'email=someone-else%40example.com'),
    ];
    for (const link of links) {
      const page = await open(link);
      await expect.poll(() => heading(page).textContent(), { message: link }).toBe('This invitation cannot be used');
      const text = await page.locator('main').innerText();
      expect(text).toContain('Ask the organization for a new invitation');
      expect(text).not.toMatch(/[{}]|NotFound|404/);
      await page.close();
    }
  });

  it('an incomplete link says so without calling the server', async () => {
    const page = await open(`${url}/accept?email=a%40example.com`);
    await expect.poll(() => heading(page).textContent()).toBe('This link is incomplete');
    await page.close();
  });

  it('when the network fails, offers a retry that works once the server answers again', async () => {
    const { link } = await invited();
    const page = await open(link);
    await expect.poll(() => heading(page).textContent()).toBe('Join Acme');
    await page.route('**/invites', (route) => route.abort('connectionfailed'));
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('We could not reach the invitation service');
    await page.unroute('**/invites');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Welcome to Acme');
    await page.close();
  });

  it('shows an org name with markup as text and runs none of it', async () => {
    const org = await h.gh.admin.createOrg({ instanceId: h.instanceId, name: '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>' });
    const { link } = await invited(freshEmail('xss'), org.id);
    const page = await open(link);
    await expect.poll(() => heading(page).textContent()).toBe(`Join ${org.name}`);
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await page.close();
  });

  it('can be accepted with the keyboard alone on a 360 px wide screen (screenshot saved)', async () => {
    const { email, link } = await invited();
    const page = await open(link, { width: 360, height: 740 });
    await expect.poll(() => heading(page).textContent()).toBe('Join Acme');
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: `${ARTIFACTS}/accept-360px.png`, fullPage: true });
    // Focus order: the heading holds focus after load, then Accept, then Decline.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Accept invitation');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Decline');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => heading(page).textContent()).toBe('Welcome to Acme');
    expect(await members()).toContain(email);
    await page.close();
  });

  it('is served with a strict policy: no inline script, no referrer, no framing, not stored', async () => {
    const res = await fetch(`${url}/accept?token=t&email=e%40example.com`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son\w+=/);
  });
});
