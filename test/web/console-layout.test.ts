/**
 * What a person sees of every console view at 360, 768 and 1280 px, in headless Chromium on a
 * real port, with rows as long as real ones: nothing reaches past the screen, no word is broken
 * inside, and tables read as labelled cards where they do not fit. Screenshots of each view
 * and width are kept in test-results/screenshots/ for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium } from '../helpers/browser.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { layoutProblems } from '../helpers/layout.js';
import { logoPng } from '../helpers/png.js';
import { addMember, createInvite, createJoinLink } from '../helpers/routes.js';

const ARTIFACTS = 'test-results/screenshots';
const WIDTHS = [360, 768, 1280];

/** Each view: where it is, and a text that shows it has loaded its rows. */
const VIEWS: { name: string; hash: string; ready: string }[] = [
  { name: 'people', hash: '#people', ready: 'pending.person@example.com' },
  { name: 'join-links', hash: '#join-links', ready: 'Shared in the #general channel' },
  { name: 'import', hash: '#import', ready: 'Import invitations' },
  { name: 'audit', hash: '#audit', ready: 'collaborator.with.a.long.name@subsidiary.example.org' },
  { name: 'webhooks', hash: '#webhooks', ready: 'https://hooks.example.com/gatehouse/membership-events' },
  { name: 'orgs', hash: '#orgs', ready: 'Subsidiary operations of the Asia Pacific region, billed separately' },
  { name: 'tokens', hash: '#tokens', ready: 'instanceOrgInvites.post, instanceOrgMembers.get' },
  { name: 'mail', hash: '#mail', ready: 'refused.recipient.with.a.long.name@subsidiary.example.org' },
  { name: 'branding', hash: '#branding', ready: 'https://workspace.subsidiary.example.org/getting-started/after-the-invitation' },
];

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `console layout — SKIPPED: ${BROWSER_SKIPPED}` : 'console layout', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
    for (const email of ['pending.person@example.com', 'collaborator.with.a.long.name@subsidiary.example.org']) await createInvite(h, email);
    await addMember(h, 'member.person@example.com', 'collaborate');
    await addMember(h, 'an.administrator@example.com', 'admin');
    await createJoinLink(h, { role: 'collaborate', allowedDomains: ['example.com', 'subsidiary.example.org'], maxUses: 25, description: 'Shared in the #general channel' });
    const hook = { url: 'https://hooks.example.com/gatehouse/membership-events', events: ['member.added', 'member.removed', 'join_link.created'], description: 'Seat sync for billing' };
    const created = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/webhooks`, token: h.tokens.admin, body: hook });
    expect(created.status).toBe(201);
    const org = { name: 'Acme Asia Pacific', description: 'Subsidiary operations of the Asia Pacific region, billed separately', limits: { member: 250 } };
    expect((await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs`, token: h.tokens.admin, body: org })).status).toBe(200);
    await h.gh.admin.createToken({ instanceId: h.instanceId, scopes: ['instanceOrgInvites.post', 'instanceOrgMembers.get'], ttlMs: 30 * 86_400_000 });
    // A message the mail server refused, with a reason as long as real ones (in another org than the people view's).
    const refused = await createInvite(h, 'refused.recipient.with.a.long.name@subsidiary.example.org', h.otherOrgId);
    const mail = (await h.gh.store.latestMailOf([refused.id])).get(refused.id)!;
    await h.gh.store.markMailFailed(mail.id, "Can't send mail - all recipients were rejected: 550 5.1.1 <refused.recipient.with.a.long.name@subsidiary.example.org>: Recipient address rejected: User unknown in virtual mailbox table");
    const branding = {
      productName: 'Acme Workspace for Subsidiaries',
      accentColor: '#1e6b35',
      logo: logoPng().toString('base64'),
      continueOrigins: ['https://workspace.subsidiary.example.org'],
      continueUrl: 'https://workspace.subsidiary.example.org/getting-started/after-the-invitation',
    };
    expect((await h.request({ method: 'PATCH', url: `/instances/${h.instanceId}/branding`, token: h.tokens.admin, body: branding })).status).toBe(200);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${url}/admin`);
    await page.getByLabel('API token').fill(h.tokens.admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Organization').selectOption({ label: 'Acme' });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  for (const view of VIEWS) {
    it(`${view.name}: fits 360, 768 and 1280 px without a broken word (screenshots saved)`, async () => {
      await page.goto(`${url}/admin${view.hash}`);
      await page.getByText(view.ready).first().waitFor();
      for (const width of WIDTHS) {
        await page.setViewportSize({ width, height: 900 });
        // Tables choose between rows and cards after a resize, in the next frame.
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        await page.screenshot({ path: `${ARTIFACTS}/console-${view.name}-${width}px.png`, fullPage: true });
        expect(await layoutProblems(page), `${view.name} at ${width} px`).toEqual([]);
        // Tables: labelled cards on a phone; at 1280 px the people's tables fit as tables.
        const tables = await page.locator('.table-wrap').evaluateAll((wraps) =>
          wraps.map((w) => ({ cards: w.classList.contains('cards'), label: getComputedStyle(w.querySelector('td[data-label]') ?? w, '::before').content })));
        if (width === 360) for (const t of tables) expect(t).toEqual({ cards: true, label: expect.stringMatching(/^"\w/) });
        if (width === 1280 && view.name === 'people') expect(tables.map((t) => t.cards)).toEqual([false, false]);
      }
      expect(pageErrors).toEqual([]);
    });
  }
});
