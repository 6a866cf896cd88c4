/**
 * The console's mail problems (`#mail`) in headless Chromium against a live server whose mail
 * goes to a real SMTP server in this process: a refused message is listed with the server's
 * reason, Retry sends it once the server takes it, and a read-only token sees no Retry.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium } from '../helpers/browser.js';
import { signedInConsole } from '../helpers/console.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { createInvite } from '../helpers/routes.js';
import { TestSmtpServer } from '../helpers/smtp.js';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `console mail problems — SKIPPED: ${BROWSER_SKIPPED}` : 'console mail problems', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  let smtp: TestSmtpServer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    smtp = new TestSmtpServer();
    const port = await smtp.start();
    h = await startHarness({ mail: `smtp://127.0.0.1:${port}?tls.rejectUnauthorized=false` });
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await smtp?.stop();
  });

  const openMail = (token: string) => signedInConsole(browser, contexts, url, token, '#mail');
  const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000 });
  const table = (page: Page) => page.getByRole('table', { name: 'Mail problems' });

  it('says so in plain words when no mail is waiting or failed', async () => {
    const { page, problems } = await openMail(h.tokens.admin);
    await eventually(() => table(page).locator('tbody').textContent()).toBe('No mail is waiting or failed.');
    expect(problems).toEqual([]);
  });

  it('lists refused mail with the server’s reason and retries it once the server accepts it', async () => {
    smtp.answer = () => ({ code: 550, message: 'Mailbox unavailable: no such user' });
    await createInvite(h, 'bounced@example.com');
    await h.gh.worker.drain();
    smtp.answer = () => null;
    const { page, problems } = await openMail(h.tokens.admin);
    const row = table(page).getByRole('row').filter({ hasText: 'bounced@example.com' });
    await row.waitFor();
    const cells = await row.getByRole('cell').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['bounced@example.com', 'Acme', 'failed']);
    expect(cells[3]).toContain('Mailbox unavailable: no such user');
    expect(cells.slice(4, 6)).toEqual(['1', 'none: given up']);

    await row.getByRole('button', { name: 'Retry the mail to bounced@example.com' }).click();
    await eventually(() => page.locator('.messages').getByRole('status').textContent()).toBe('The mail to bounced@example.com is queued to be sent now.');
    await h.gh.worker.drain();
    expect(smtp.messages.map((m) => (Array.isArray(m.to) ? '' : m.to?.value[0].address))).toEqual(['bounced@example.com']);
    await page.reload();
    await eventually(() => table(page).locator('tbody').textContent()).toBe('No mail is waiting or failed.');
    expect(problems).toEqual([]);
  });

  it('shows a read-only token the list without a Retry button or an Actions column', async () => {
    smtp.answer = () => ({ code: 550, message: 'Mailbox unavailable: no such user' });
    await createInvite(h, 'bounced.again@example.com');
    await h.gh.worker.drain();
    smtp.answer = () => null;
    const { page, problems } = await openMail(h.tokens.read);
    await table(page).getByRole('row').filter({ hasText: 'bounced.again@example.com' }).waitFor();
    expect(await table(page).getByRole('button', { name: /Retry/ }).count()).toBe(0);
    expect(await table(page).getByRole('columnheader').allTextContents()).not.toContain('Actions');
    expect(problems).toEqual([]);
  });
});
