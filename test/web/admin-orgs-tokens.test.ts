/**
 * The console's organization and API token views in headless Chromium against a live server:
 * what an admin does there, checked through the API as well.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium } from '../helpers/browser.js';
import { signedInConsole } from '../helpers/console.js';
import { type Harness, startHarness } from '../helpers/harness.js';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `console orgs and tokens — SKIPPED: ${BROWSER_SKIPPED}` : 'console orgs and tokens', () => {
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

  const openView = (token: string, hash: string) => signedInConsole(browser, contexts, url, token, hash);

  const status = (page: Page) => page.locator('.messages').getByRole('status', { includeHidden: true }).textContent();
  const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000 });
  const orgByName = async (name: string) => {
    const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs?perPage=1000`, token: h.tokens.admin });
    return res.body.items.find((o: { name: string }) => o.name === name);
  };

  it('creates an organization, renames it, limits it, sets its invite lifetime and language, and sees it listed', async () => {
    const { page, problems } = await openView(h.tokens.admin, '#orgs');
    const region = page.getByRole('region', { name: 'Organizations' });
    const form = region.getByRole('form', { name: 'New organization' });
    await form.getByLabel('Name').fill('Console Co');
    await form.getByLabel('Member limit (optional)').fill('12');
    await form.getByRole('button', { name: 'Create organization' }).click();
    await eventually(() => status(page)).toMatch(/^Created the organization Console Co\./);
    const item = region.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Console Co' }) });
    await expect.poll(() => item.textContent()).toContain('12 (members plus pending invites)');
    expect(await orgByName('Console Co')).toMatchObject({ limits: { member: 12 } });

    await item.getByRole('button', { name: 'Edit Console Co' }).click();
    const settings = region.getByRole('form', { name: 'Settings of Console Co' });
    await settings.getByLabel('Name').fill('Console Company');
    await settings.getByLabel('Member limit (empty: no limit)').fill('3');
    await settings.getByLabel('Invites live for').selectOption({ label: '3 days' });
    await settings.getByLabel('Language of mail and pages').selectOption({ label: 'Deutsch' });
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await eventually(() => status(page)).toBe('Saved Console Company.');
    const renamed = region.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Console Company' }) });
    const facts = await renamed.locator('dd').allTextContents();
    expect(facts.slice(0, 3)).toEqual(['3 (members plus pending invites)', '3 days', 'Deutsch']);
    expect(await orgByName('Console Co')).toBeUndefined();
    expect(await orgByName('Console Company')).toMatchObject({ limits: { member: 3 }, inviteTtlMs: 3 * 86_400_000, locale: 'de' });

    // Back to no limit and the server's defaults.
    await renamed.getByRole('button', { name: 'Edit Console Company' }).click();
    const again = region.getByRole('form', { name: 'Settings of Console Company' });
    await again.getByLabel('Member limit (empty: no limit)').fill('');
    await again.getByLabel('Invites live for').selectOption({ label: 'Server default' });
    await again.getByLabel('Language of mail and pages').selectOption({ label: 'Server default' });
    await again.getByRole('button', { name: 'Save changes' }).click();
    await eventually(async () => (await renamed.locator('dd').allTextContents()).slice(0, 3)).toEqual(['No limit', 'Server default', 'Server default']);
    const cleared = await orgByName('Console Company');
    expect(cleared.limits).toEqual({});
    expect(cleared.inviteTtlMs).toBeUndefined();
    expect(cleared.locale).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it("shows the server's refusal of a bad change next to its field, and changes nothing", async () => {
    const { page } = await openView(h.tokens.admin, '#orgs');
    const region = page.getByRole('region', { name: 'Organizations' });
    await region.getByRole('button', { name: 'Edit Second' }).click();
    const settings = region.getByRole('form', { name: 'Settings of Second' });
    await settings.getByLabel('Name').fill('Two\tparts');
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('alert').allTextContents()).toContainEqual(expect.stringMatching(/control characters/));
    expect(await orgByName('Second')).toBeDefined();
  });

  it('shows a read-only token the organizations without a form or an edit button', async () => {
    const { page, problems } = await openView(h.tokens.read, '#orgs');
    const region = page.getByRole('region', { name: 'Organizations' });
    await region.getByRole('heading', { name: 'Acme' }).waitFor();
    expect(await region.getByRole('form').count()).toBe(0);
    expect(await region.getByRole('button').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('creates a token with two scopes, copies its secret once, the secret works with exactly those scopes, and revoking it makes the API refuse it', async () => {
    const { page, problems } = await openView(h.tokens.admin, '#tokens');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    const form = page.getByRole('form', { name: 'New API token' });
    await form.getByLabel('instanceOrgs.get', { exact: true }).check();
    await form.getByLabel('instanceOrgMembers.get', { exact: true }).check();
    await form.getByRole('button', { name: 'Create token' }).click();
    await eventually(() => status(page)).toMatch(/^Created token [0-9a-f]{24}\.$/);
    const region = page.getByRole('region', { name: 'New API token' });
    await expect.poll(() => region.textContent()).toContain('it is not shown again');
    await region.getByRole('button', { name: 'Copy the token secret' }).click();
    await region.getByText('Copied').waitFor();
    const secret = await page.evaluate(() => navigator.clipboard.readText());
    expect(secret).toMatch(/^gh_/);

    // The secret works with exactly the two scopes.
    const call = (method: 'GET' | 'POST', path: string, body?: unknown) => h.request({ method, url: `/instances/${h.instanceId}${path}`, token: secret, body });
    expect((await call('GET', '/orgs')).status).toBe(200);
    expect((await call('GET', `/orgs/${h.orgId}/members`)).status).toBe(200);
    expect((await call('GET', `/orgs/${h.orgId}/invites`)).status).toBe(403);
    expect((await call('POST', '/orgs', { name: 'Not allowed' })).status).toBe(403);
    expect((await h.request({ method: 'GET', url: '/me/token', token: secret })).body.scopes).toEqual(['instanceOrgMembers.get', 'instanceOrgs.get']);

    // Listed with its scopes, and without the secret anywhere on the page but the one field.
    const table = page.getByRole('table', { name: 'API tokens' });
    const tokenId = (await h.request({ method: 'GET', url: '/me/token', token: secret })).body.id;
    const row = table.getByRole('row').filter({ hasText: tokenId });
    await expect.poll(() => row.textContent()).toContain('instanceOrgMembers.get, instanceOrgs.get');
    expect(await table.textContent()).not.toContain(secret);

    await row.getByRole('button', { name: `Revoke token ${tokenId}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await eventually(() => status(page)).toBe(`Revoked token ${tokenId}.`);
    await expect.poll(() => row.textContent()).toContain('revoked');
    expect((await call('GET', '/orgs')).status).toBe(401);
    expect(problems).toEqual([]);
  });

  it('offers a narrow token only the scopes it may hand on, and a read-only token no form and no Actions column', async () => {
    const narrow = (await h.gh.admin.createToken({ instanceId: h.instanceId, scopes: ['instanceApiTokens.*', 'instanceOrgs.get'] })).token;
    const { page } = await openView(narrow, '#tokens');
    const form = page.getByRole('form', { name: 'New API token' });
    await form.waitFor();
    const offered = await form.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value));
    expect(offered).toEqual(['instanceApiTokens.*', 'instanceApiTokens.get', 'instanceApiTokens.post', 'instanceOrgs.get']);

    const read = await openView(h.tokens.read, '#tokens');
    const table = read.page.getByRole('table', { name: 'API tokens' });
    await table.getByRole('row').nth(1).waitFor();
    expect(await read.page.getByRole('form', { name: 'New API token' }).count()).toBe(0);
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Token', 'Scopes', 'Acts for', 'Created', 'Expires', 'State']);
    expect(await table.getByRole('button').count()).toBe(0);
    expect(read.problems).toEqual([]);
  });

  it('a token bound to one organization sees that organization alone, and no instance-wide view', async () => {
    const bound = await h.token(['all.Instance'], { orgId: h.orgId });
    const { page, problems } = await openView(bound, '#people');
    const picker = page.getByLabel('Organization', { exact: true });
    expect(await picker.locator('option').allTextContents()).toEqual(['Acme']);
    const views = await page.getByRole('navigation', { name: 'Console' }).getByRole('link').allTextContents();
    expect(views).toEqual(['People', 'Join links', 'Import']);
    await page.getByRole('heading', { name: 'Invitations' }).waitFor();
    expect(problems).toEqual([]);
  });
});
