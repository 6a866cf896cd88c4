/**
 * The invitation page in the invitee's language: Chromium with a German and a Japanese locale
 * (its Accept-Language and navigator.languages), what a person reads, `<html lang>`, the
 * expiry in the locale's date format, and the layout on a 360 px phone.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium } from '../helpers/browser.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { layoutProblems } from '../helpers/layout.js';
import { freshEmail, joinCode } from '../helpers/routes.js';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `page languages — SKIPPED: ${BROWSER_SKIPPED}` : 'page languages', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ inviteTtl: '1h' });
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    expect(problems, 'no script errors, no CSP violations').toEqual([]);
  });

  /** Script errors and CSP violations (Chromium logs those as console errors); a refused request is the test's own doing. */
  function watch(page: Page): void {
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
    });
  }

  async function invitedLink(): Promise<string> {
    const email = freshEmail('sprache');
    const res = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites`, token: h.tokens.userAdmin, body: { email, role: 'collaborate' } });
    expect(res.status).toBe(201);
    const link = new URL((await h.inviteLink(email)).link);
    return `${url}${link.pathname}${link.search}`;
  }

  async function open(locale: string, width: number): Promise<Page> {
    const page = await browser.newPage({ locale, timezoneId: 'UTC', viewport: { width, height: 740 } });
    watch(page);
    await page.goto(await invitedLink());
    return page;
  }

  const heading = (page: Page) => page.getByRole('heading', { level: 1 });
  const expiry = () => new Date(h.now().getTime() + 3_600_000);

  it('speaks German to a German browser, with the expiry as Germans write dates', async () => {
    const page = await open('de-DE', 1024);
    await expect.poll(() => heading(page).textContent()).toBe('Acme beitreten');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Sie wurden eingeladen, Acme beizutreten.');
    expect(main).toContain('Rolle');
    expect(main).toContain('Mitarbeiter: kann mit bestehenden Ressourcen arbeiten');
    expect(main).toContain('Eingeladen von');
    const e = expiry();
    const day = `${String(e.getUTCDate()).padStart(2, '0')}.${String(e.getUTCMonth() + 1).padStart(2, '0')}.${e.getUTCFullYear()}`;
    expect(await page.locator('time').innerText()).toBe(`${day}, ${String(e.getUTCHours()).padStart(2, '0')}:${String(e.getUTCMinutes()).padStart(2, '0')}`);
    await page.getByRole('button', { name: 'Ablehnen' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Die Einladung zu Acme ablehnen?');
    expect(await page.title()).toBe('Die Einladung zu Acme ablehnen? · Gatehouse');
    await page.getByRole('button', { name: 'Zurück' }).click();
    await page.getByRole('button', { name: 'Einladung annehmen' }).click();
    await expect.poll(() => heading(page).textContent()).toBe('Willkommen bei Acme');
    expect(await page.locator('main').innerText()).toContain('Sie sind jetzt Mitglied von Acme mit der Rolle collaborate.');
    await page.close();
  });

  it('speaks Japanese to a Japanese browser, with a Japanese date', async () => {
    const page = await open('ja-JP', 1024);
    await expect.poll(() => heading(page).textContent()).toBe('Acme に参加');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ja');
    const main = await page.locator('main').innerText();
    expect(main).toContain('Acme への参加に招待されています。');
    expect(main).toContain('有効期限');
    const e = expiry();
    expect(await page.locator('time').innerText()).toBe(
      `${e.getUTCFullYear()}/${String(e.getUTCMonth() + 1).padStart(2, '0')}/${String(e.getUTCDate()).padStart(2, '0')} ${e.getUTCHours()}:${String(e.getUTCMinutes()).padStart(2, '0')}`,
    );
    expect(await page.getByRole('button', { name: '招待を承諾' }).isVisible()).toBe(true);
    await page.close();
  });

  it('the page HTML itself is in the language (before and without the script)', async () => {
    const res = await fetch(`${url}/accept`, { headers: { 'accept-language': 'fr-CA;q=0.8, nl;q=0.9, ja;q=0.1' } });
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Chargement de votre invitation…');
    expect(res.headers.get('content-language')).toBe('fr');
    expect(res.headers.get('vary')).toMatch(/accept-language/i);
    const english = await (await fetch(`${url}/accept`, { headers: { 'accept-language': 'zh-CN' } })).text();
    expect(english).toContain('<html lang="en">');
    expect(english).toContain('Loading your invitation…');
  });

  it('the join page speaks German too, down to the list of allowed domains', async () => {
    const created = await h.request({
      method: 'POST',
      url: `/instances/${h.instanceId}/orgs/${h.orgId}/join-links`,
      token: h.tokens.admin,
      body: { role: 'view', allowedDomains: ['acme.com', 'acme.de'] },
    });
    expect(created.status).toBe(201);
    const page = await browser.newPage({ locale: 'de-AT', timezoneId: 'UTC', viewport: { width: 360, height: 740 } });
    watch(page);
    await page.goto(`${url}/join/${joinCode(created.body)}`);
    await expect.poll(() => heading(page).textContent()).toBe('Acme beitreten');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('de');
    expect(await page.locator('main').innerText()).toContain('Mit diesem Link können nur Adressen bei acme.com oder acme.de beitreten.');
    await page.getByLabel('Ihre E-Mail-Adresse').fill('mallory@evil.com');
    await page.getByRole('button', { name: 'Beitrittslink per E-Mail senden' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe(
      'Dieser Link nimmt nur Adressen bei acme.com oder acme.de an. Verwenden Sie Ihre Adresse bei dieser Domain.',
    );
    expect(await layoutProblems(page)).toEqual([]);
    await page.close();
  });

  for (const locale of ['de-DE', 'ja-JP', 'pt-BR', 'fr-FR', 'es-ES']) {
    it(`keeps the offer and the decline question whole at 360 px in ${locale}`, async () => {
      const page = await open(locale, 360);
      await expect.poll(() => page.locator('dl').count()).toBe(1);
      expect(await layoutProblems(page)).toEqual([]);
      await page.locator('.actions button').nth(1).click();
      await expect.poll(() => page.locator('dl').count()).toBe(0);
      expect(await layoutProblems(page)).toEqual([]);
      await page.close();
    });
  }
});
