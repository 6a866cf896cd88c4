/**
 * The admin console (`/admin`) in headless Chromium against a live server: sign-in, the org
 * picker, the invite form, the tables (sort, filter, pages), the dialogs, a read-only token,
 * an org name with markup, and the headers the pages and assets are served with. Locators are
 * the accessible ones (labels, roles, names), so the tests also prove those exist.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BROWSER_SKIPPED, launchChromium } from '../helpers/browser.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { layoutProblems } from '../helpers/layout.js';
import { addMember, createInvite, createJoinLink, joinCode } from '../helpers/routes.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

type Table = 'Invitations' | 'Members';

describe.skipIf(BROWSER_SKIPPED !== null)(BROWSER_SKIPPED ? `admin console — SKIPPED: ${BROWSER_SKIPPED}` : 'admin console', () => {
  let h: Harness;
  let url: string;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHarness({ env: { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' } });
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

  /** A fresh tab in its own context (its own sessionStorage), with its page errors collected. */
  async function newPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext();
    context.setDefaultTimeout(5_000);
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') {
        problems.push(`console error: ${message.text()} (${message.location().url})`);
      }
    });
    page.on('response', (res) => void (res.status() >= 400 && problems.push(`${res.status()} ${res.request().method()} ${res.url()}`)));
    return { page, problems };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.goto(`${url}/admin`);
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Organization').waitFor();
  }

  const openOrg = (page: Page, name: string) => page.getByLabel('Organization').selectOption({ label: name });

  /** A new tab, signed in with `token`, showing the org called `org`. */
  async function openConsole(token: string, org: string): Promise<{ page: Page; problems: string[] }> {
    const tab = await newPage();
    await signIn(tab.page, token);
    await openOrg(tab.page, org);
    return tab;
  }

  /** A new org of the harness instance, for a test that needs its own rows and counts. */
  const newOrg = async (name: string) => (await h.gh.admin.createOrg({ instanceId: h.instanceId, name })).id;

  const api = (orgId: string, what: 'invites' | 'members') =>
    h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${orgId}/${what}?perPage=100`, token: h.tokens.admin });

  const table = (page: Page, name: Table) => page.getByRole('table', { name });
  const row = (page: Page, name: Table, email: string) => table(page, name).getByRole('row').filter({ hasText: email });
  const cells = (page: Page, name: Table, email: string) => row(page, name, email).getByRole('cell').allTextContents();
  const emails = (page: Page, name: Table) => table(page, name).locator('tbody tr > td:first-child').allTextContents();
  const count = (page: Page, name: 'invites' | 'members') => page.locator(`#${name}-count`).textContent();
  // The console's message lines (fields have alerts of their own). includeHidden: an empty
  // notice is display:none, and "empty" is what some tests expect.
  const notice = (page: Page, role: 'status' | 'alert') => page.locator('.messages').getByRole(role, { includeHidden: true }).textContent();
  const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 5_000 });

  /** The names Chromium's own accessibility tree gives elements of a role (what a screen reader hears). */
  async function axNames(page: Page, role: string): Promise<string[]> {
    const cdp = await page.context().newCDPSession(page);
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: { role?: { value: string }; name?: { value: string } }[] };
    await cdp.detach();
    return nodes.filter((n) => n.role?.value === role).map((n) => n.name?.value ?? '');
  }

  it('signs in, invites with an application role, and the invitee accepts from the mailed link', async () => {
    const { page, problems } = await newPage();
    await signIn(page, h.tokens.admin);
    expect(await page.getByLabel('Organization').locator('option').allTextContents()).toEqual(expect.arrayContaining(['Acme', 'Second']));
    await openOrg(page, 'Acme');

    const email = 'journey@example.com';
    const form = page.getByRole('region', { name: 'Invite someone' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Role').selectOption('edit');
    await form.getByRole('button', { name: 'Add application role' }).click();
    const apps = form.getByRole('group', { name: 'Application roles (optional)' });
    await apps.getByLabel('Application id').fill('AAAAAAAAAAAAAAAAAAAAAAA1');
    await apps.getByLabel('Role').selectOption('view');
    await form.getByRole('button', { name: 'Send invitation' }).click();

    await eventually(() => notice(page, 'status')).toBe(`Invitation sent to ${email}.`);
    const [pending, mail] = [expect.stringMatching(/^pending until /), expect.stringMatching(/^(queued|sent)$/)];
    await eventually(() => cells(page, 'Invitations', email)).toEqual([email, 'edit', expect.any(String), pending, mail, 'ResendRevoke']);
    expect(await form.getByLabel('Email').inputValue()).toBe('');
    const [created] = (await api(h.orgId, 'invites')).body.items.filter((i: { email: string }) => i.email === email);
    expect(created).toMatchObject({ role: 'edit', applicationRoles: [{ resourceId: 'aaaaaaaaaaaaaaaaaaaaaaa1', role: 'view' }] });

    // The invitee, in a browser of their own, opens the link from the real mail file.
    const mailed = await h.inviteLink(email);
    const link = new URL(mailed.link);
    const invitee = await newPage();
    await invitee.page.goto(`${url}${link.pathname}${link.search}`);
    await invitee.page.getByRole('button', { name: 'Accept invitation' }).click();
    await invitee.page.getByRole('heading', { name: 'Welcome to Acme' }).waitFor();
    expect(invitee.page.url()).toBe(`${url}/accept`);

    // Back in the console: the member is there with their role, the invitation is gone.
    await page.reload();
    await eventually(() => cells(page, 'Members', email)).toEqual([email, '', 'edit', 'Change roleRemove']);
    await row(page, 'Invitations', email).waitFor({ state: 'detached' });
    const members = (await api(h.orgId, 'members')).body.items;
    expect(members).toContainEqual(expect.objectContaining({ email, role: 'edit' }));
    expect([...problems, ...invitee.problems]).toEqual([]);
  });

  it('keeps the token in sessionStorage only, survives a reload, signs out, and refuses a wrong token', async () => {
    const { page, problems } = await newPage();
    await signIn(page, h.tokens.admin);
    expect(page.url()).toBe(`${url}/admin`);
    expect(await page.evaluate("sessionStorage.getItem('gatehouse.token')")).toBe(h.tokens.admin);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await page.getByText('Test instance · instance token').waitFor();

    await page.reload();
    await page.getByLabel('Organization').waitFor();
    expect(page.url()).toBe(`${url}/admin`);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('gatehouse.token')")).toBeNull();
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(problems).toEqual([]);

    // A token revoked while signed in sends the tab back to sign-in, saying why.
    const { id, token } = await h.gh.admin.createToken({ instanceId: h.instanceId, scopes: ['all.Instance'] });
    await signIn(page, token);
    await h.gh.admin.revokeToken(id);
    await page.reload();
    await eventually(() => notice(page, 'alert')).toBe('Your token is no longer valid (revoked or expired). Sign in again.');
    expect(await page.evaluate("sessionStorage.getItem('gatehouse.token')")).toBeNull();

    await page.getByLabel('API token').fill('not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually(() => notice(page, 'alert')).toBe('That token is not valid, has been revoked or has expired.');
    expect(await page.evaluate("sessionStorage.getItem('gatehouse.token')")).toBeNull();
    expect(page.url()).toBe(`${url}/admin`);
    expect(await page.getByRole('button', { name: 'Sign in' }).isEnabled()).toBe(true);
  });

  it('sorts a table by the column header buttons', async () => {
    const orgId = await newOrg('Sorting');
    for (const e of ['bravo@sort.example', 'alpha@sort.example', 'charlie@sort.example']) await addMember(h, e, 'view', orgId);
    const { page, problems } = await openConsole(h.tokens.admin, 'Sorting');

    const header = table(page, 'Members').getByRole('columnheader', { name: 'Email', exact: true });
    await eventually(() => emails(page, 'Members')).toEqual(['alpha@sort.example', 'bravo@sort.example', 'charlie@sort.example']);
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    expect(await header.textContent()).toBe('Email ▲');
    // Chromium names the tables and headers too (the sort arrow is left to aria-sort).
    expect(await axNames(page, 'table')).toEqual(['Invitations', 'Members']);
    expect(await axNames(page, 'columnheader')).toEqual(['Email', 'Role', 'Invited', 'Status', 'Mail', 'Actions', 'Email', 'Name', 'Role', 'Actions']);

    await header.getByRole('button').click();
    await eventually(() => emails(page, 'Members')).toEqual(['charlie@sort.example', 'bravo@sort.example', 'alpha@sort.example']);
    expect(await header.getAttribute('aria-sort')).toBe('descending');

    await table(page, 'Members').getByRole('button', { name: 'Role', exact: true }).click();
    await eventually(() => header.getAttribute('aria-sort')).toBe('none');
    expect(await table(page, 'Members').getByRole('columnheader', { name: 'Role', exact: true }).getAttribute('aria-sort')).toBe('ascending');
    expect(problems).toEqual([]);
  });

  it('filters a table with a glob', async () => {
    const orgId = await newOrg('Filtering');
    for (const e of ['one@filter.example', 'two@filter.example', 'three@elsewhere.example']) await createInvite(h, e, orgId);
    const { page, problems } = await openConsole(h.tokens.admin, 'Filtering');
    const search = page.getByRole('region', { name: 'Invitations' }).getByRole('search', { name: 'Filter invitations' });
    const apply = async (glob: string) => {
      await search.getByLabel(/^Filter \(glob/).fill(glob);
      await search.getByRole('button', { name: 'Apply filter' }).click();
    };
    await eventually(() => count(page, 'invites')).toBe('1–3 of 3 invitations');

    await search.getByLabel('Filter by').selectOption('email');
    await apply('*@filter.example');
    await eventually(() => count(page, 'invites')).toBe('1–2 of 2 invitations');
    expect((await emails(page, 'Invitations')).sort()).toEqual(['one@filter.example', 'two@filter.example']);

    await apply('*@nowhere.example');
    await eventually(() => emails(page, 'Invitations')).toEqual(['No invitations match the filter.']);
    expect(await count(page, 'invites')).toBe('');

    await apply('');
    await eventually(() => count(page, 'invites')).toBe('1–3 of 3 invitations');
    expect(problems).toEqual([]);
  });

  it('pages through more than 20 invitations', async () => {
    const orgId = await newOrg('Paging');
    const all = Array.from({ length: 25 }, (_, i) => `p${String(i + 1).padStart(2, '0')}@page.example`);
    for (const e of all) await createInvite(h, e, orgId);
    const { page, problems } = await openConsole(h.tokens.admin, 'Paging');
    const invites = page.getByRole('region', { name: 'Invitations' });
    const next = invites.getByRole('button', { name: 'Next page' });
    const previous = invites.getByRole('button', { name: 'Previous page' });

    await table(page, 'Invitations').getByRole('button', { name: 'Email', exact: true }).click();
    await eventually(() => emails(page, 'Invitations')).toEqual(all.slice(0, 20));
    expect(await count(page, 'invites')).toBe('1–20 of 25 invitations');
    expect([await previous.isDisabled(), await next.isDisabled()]).toEqual([true, false]);

    await next.click();
    await eventually(() => emails(page, 'Invitations')).toEqual(all.slice(20));
    expect(await count(page, 'invites')).toBe('21–25 of 25 invitations');
    expect([await previous.isDisabled(), await next.isDisabled()]).toEqual([false, true]);

    await previous.click();
    await eventually(() => count(page, 'invites')).toBe('1–20 of 25 invitations');
    expect(problems).toEqual([]);
  });

  it('resends with a new role, revokes after confirmation, changes a role and removes a member', async () => {
    const orgId = await newOrg('Actions');
    await createInvite(h, 'resend@actions.example', orgId);
    await createInvite(h, 'revoke@actions.example', orgId);
    await addMember(h, 'promote@actions.example', 'view', orgId);
    await addMember(h, 'leave@actions.example', 'view', orgId);
    const { page, problems } = await openConsole(h.tokens.admin, 'Actions');
    const dialog = page.getByRole('dialog');

    await page.getByRole('button', { name: 'Resend invitation to resend@actions.example' }).click();
    expect(await dialog.getByRole('heading').textContent()).toBe('Resend the invitation to resend@actions.example');
    expect(await dialog.getByLabel('Role').inputValue()).toBe('view');
    await dialog.getByLabel('Role').selectOption('admin');
    await dialog.getByRole('button', { name: 'Resend' }).click();
    await eventually(() => notice(page, 'status')).toBe('Sent a new invitation to resend@actions.example as admin.');
    await eventually(async () => (await cells(page, 'Invitations', 'resend@actions.example'))[1]).toBe('admin');

    const old = await h.inviteLink('revoke@actions.example');
    const revoke = page.getByRole('button', { name: 'Revoke invitation to revoke@actions.example' });
    await revoke.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await row(page, 'Invitations', 'revoke@actions.example').count()).toBe(1);
    await revoke.click();
    await dialog.getByRole('button', { name: 'Revoke invitation' }).click();
    await row(page, 'Invitations', 'revoke@actions.example').waitFor({ state: 'detached' });
    expect(await notice(page, 'status')).toBe('Revoked the invitation to revoke@actions.example.');
    const info = await h.request({ method: 'GET', url: `/invites?token=${encodeURIComponent(old.token)}&email=${encodeURIComponent(old.email)}` });
    expect(info.status).toBe(404);

    await page.getByRole('button', { name: 'Change role of promote@actions.example' }).click();
    await dialog.getByLabel('Role').selectOption('collaborate');
    await dialog.getByRole('button', { name: 'Change role' }).click();
    await eventually(() => notice(page, 'status')).toBe('promote@actions.example is now collaborate.');
    await eventually(async () => (await cells(page, 'Members', 'promote@actions.example'))[2]).toBe('collaborate');

    await page.getByRole('button', { name: 'Remove leave@actions.example', exact: true }).click();
    expect(await dialog.getByRole('heading').textContent()).toBe('Remove leave@actions.example from Actions?');
    await dialog.getByRole('button', { name: 'Remove member' }).click();
    await row(page, 'Members', 'leave@actions.example').waitFor({ state: 'detached' });
    expect(await notice(page, 'status')).toBe('Removed leave@actions.example from Actions.');
    const members = (await api(orgId, 'members')).body.items.map((m: { email: string; role: string }) => `${m.email}:${m.role}`);
    expect(members).toEqual(['promote@actions.example:collaborate']);
    expect(problems).toEqual([]);
  });

  it("shows the server's message when a change is refused", async () => {
    const orgId = await newOrg('Refusals');
    await addMember(h, 'taken@refusals.example', 'view', orgId);
    const { page } = await openConsole(h.tokens.admin, 'Refusals');
    await row(page, 'Members', 'taken@refusals.example').waitFor();

    const form = page.getByRole('region', { name: 'Invite someone' });
    await form.getByLabel('Email').fill('Taken@refusals.example');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await eventually(() => notice(page, 'alert')).toBe('taken@refusals.example is already a member of this organization');
    expect(await notice(page, 'status')).toBe('');
    // The form keeps what was typed, to be corrected, and the button is usable again.
    expect(await form.getByLabel('Email').inputValue()).toBe('Taken@refusals.example');
    expect(await form.getByRole('button', { name: 'Send invitation' }).isEnabled()).toBe(true);
    // Signing out leaves no message of the old session on the sign-in form.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in' }).waitFor();
    expect(await notice(page, 'alert')).toBe('');
  });

  it('shows a read-only token the tables without any way to change them', async () => {
    const orgId = await newOrg('Read only');
    await createInvite(h, 'pending@readonly.example', orgId);
    await createJoinLink(h, { role: 'view' }, orgId);
    await addMember(h, 'member@readonly.example', 'view', orgId);
    const { page, problems } = await openConsole(h.tokens.read, 'Read only');
    await eventually(() => cells(page, 'Invitations', 'pending@readonly.example')).toContain('view');
    await eventually(() => cells(page, 'Members', 'member@readonly.example')).toContain('view');

    expect(await page.getByRole('region', { name: 'Invite someone' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Resend|Revoke|Change role|Remove)\b/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Apply filter' }).count()).toBe(2);

    // Join links: a read-only token sees them, not their URLs (it could join with their role).
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Join links' }).click();
    const links = page.getByRole('region', { name: 'Join links' });
    await links.getByRole('listitem').filter({ hasText: 'Join as view' }).waitFor();
    expect(await links.getByText('The link itself is shown to tokens that may create join links.').count()).toBe(1);
    expect(await links.getByRole('button').count()).toBe(0);
    expect(await links.getByRole('textbox').count()).toBe(0);
    expect(await links.getByRole('form').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('creates a join link, copies it, disables, enables, gives it a new URL and deletes it; lays out at 360 and 1280 px', async () => {
    const orgId = await newOrg('Joining');
    const { page, problems } = await openConsole(h.tokens.admin, 'Joining');
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Join links' }).click();
    expect(page.url()).toBe(`${url}/admin#join-links`);
    const region = page.getByRole('region', { name: 'Join links' });
    const form = region.getByRole('form', { name: 'New join link' });
    const listed = async () => (await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${orgId}/join-links`, token: h.tokens.admin })).body.items;
    const opens = async (link: string) => (await fetch(`${url}/join/${joinCode({ url: link })}`)).status;
    await region.getByText('No join links.').waitFor();

    // A wrong domain is named next to its field, and nothing is created.
    await form.getByLabel('Role').selectOption('edit');
    await form.getByLabel('Most people who may join (optional)').fill('5');
    await form.getByLabel('Expires').selectOption({ label: 'In 7 days' });
    await form.getByLabel('Allowed email domains (optional, comma-separated)').fill('acme.com, not a domain');
    await form.getByRole('button', { name: 'Create join link' }).click();
    await eventually(() => form.getByRole('alert').textContent()).toBe('“not a domain” is not an email domain: write the part after the @, like acme.com.');
    expect(await form.getByLabel(/^Allowed email domains/).getAttribute('aria-invalid')).toBe('true');
    expect(await listed()).toEqual([]);

    await form.getByLabel(/^Allowed email domains/).fill('Acme.com, eu.acme.com');
    await form.getByLabel('Note for admins (optional)').fill('Slack #general');
    await form.getByRole('button', { name: 'Create join link' }).click();
    await eventually(() => notice(page, 'status')).toBe('Created a join link for edit: copy it from the list below.');
    const [created] = await listed();
    expect(created).toMatchObject({ role: 'edit', maxUses: 5, allowedDomains: ['acme.com', 'eu.acme.com'], description: 'Slack #general', state: 'active' });
    expect(Date.parse(created.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(await form.getByRole('alert', { includeHidden: true }).textContent()).toBe('');

    const item = region.getByRole('listitem', { name: 'Join as edit active' });
    await item.waitFor();
    const facts = await item.locator('dt, dd').allTextContents();
    expect(facts).toEqual(['Joined', '0 of 5', 'Expires', expect.stringMatching(/\d/), 'Email domains', 'acme.com, eu.acme.com']);
    expect(await item.getByText('Slack #general').count()).toBe(1);
    const urlField = item.getByLabel('Link to share');
    expect(await urlField.inputValue()).toBe(created.url);

    await item.getByRole('button', { name: 'Copy join link “Slack #general”' }).click();
    await item.getByText('Copied').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(created.url);
    expect(await opens(created.url)).toBe(200);

    for (const width of [360, 1280]) {
      await page.setViewportSize({ width, height: 900 });
      expect(await layoutProblems(page, 'section[aria-labelledby="join-links-title"]'), `at ${width} px`).toEqual([]);
      await region.screenshot({ path: `test-results/screenshots/admin-join-links-${width}px.png` });
    }

    await item.getByRole('button', { name: 'Disable join link “Slack #general”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disable link' }).click();
    await eventually(() => notice(page, 'status')).toBe('Disabled the join link.');
    await region.getByRole('listitem', { name: 'Join as edit disabled' }).waitFor();
    expect(await opens(created.url)).toBe(404);
    await region.getByRole('button', { name: 'Enable join link “Slack #general”' }).click();
    await region.getByRole('listitem', { name: 'Join as edit active' }).waitFor();
    expect(await opens(created.url)).toBe(200);

    // A cancelled question changes nothing.
    await item.getByRole('button', { name: 'New URL for join link “Slack #general”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
    expect((await listed())[0].url).toBe(created.url);
    await item.getByRole('button', { name: 'New URL for join link “Slack #general”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'New URL' }).click();
    await eventually(() => notice(page, 'status')).toBe('The join link has a new URL; the old one no longer works.');
    const [rotated] = await listed();
    expect(rotated.url).not.toBe(created.url);
    await eventually(() => region.getByLabel('Link to share').inputValue()).toBe(rotated.url);
    expect([await opens(created.url), await opens(rotated.url)]).toEqual([404, 200]);

    await region.getByRole('button', { name: 'Delete join link “Slack #general”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete link' }).click();
    await region.getByText('No join links.').waitFor();
    expect(await listed()).toEqual([]);
    expect(await opens(rotated.url)).toBe(404);
    expect(problems.filter((p) => !p.includes('/join/'))).toEqual([]);
  });

  it('imports a CSV file with a progress bar and a result per row; again, only what is missing', async () => {
    const orgId = await newOrg('Importing');
    await createInvite(h, 'already@import.example', orgId);
    const { page, problems } = await openConsole(h.tokens.admin, 'Importing');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Import' }).click();
    const form = page.getByRole('form', { name: 'Import a CSV file' });
    const choose = (name: string, text: string) => form.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

    await choose('wrong.csv', 'mail,level\na@import.example,view\n');
    await form.getByRole('button', { name: 'Import' }).click();
    await eventually(() => form.getByRole('alert').textContent()).toBe('The first row must name the columns email and role.');
    expect((await api(orgId, 'invites')).body.items).toHaveLength(1);

    const csv = 'Role,Email\nedit,Ada@Import.example\nview,"bob@import.example"\nview,already@import.example\nowner,carol@import.example\nview,ada@import.example\ncollaborate,dan@import.example\n';
    await choose('people.csv', csv);
    await form.getByRole('button', { name: 'Import' }).click();
    await eventually(() => notice(page, 'status')).toBe('Imported people.csv: 3 created, 2 skipped, 1 failed.');
    expect(await form.getByRole('alert', { includeHidden: true }).textContent()).toBe('');
    expect(await page.locator('#import-progress-line').textContent()).toBe('6 of 6 rows');
    expect(await page.locator('#import-progress').evaluate((p: HTMLProgressElement) => [p.value, p.max])).toEqual([6, 6]);
    const results = page.getByRole('table', { name: 'Import results' });
    const rows = await results.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([
      ['2', 'ada@import.example', 'created', ''],
      ['3', 'bob@import.example', 'created', ''],
      ['4', 'already@import.example', 'skipped', 'already@import.example already has a pending invite to this organization'],
      ['5', 'carol@import.example', 'failed', 'role must be one of admin, edit, collaborate, view, none'],
      ['6', 'ada@import.example', 'skipped', 'listed earlier in the file'],
      ['7', 'dan@import.example', 'created', ''],
    ]);
    const invited = (await api(orgId, 'invites')).body.items.map((i: { email: string; role: string }) => `${i.email} ${i.role}`).sort();
    expect(invited).toEqual(['ada@import.example edit', 'already@import.example view', 'bob@import.example view', 'dan@import.example collaborate']);

    await choose('people.csv', csv);
    await form.getByRole('button', { name: 'Import' }).click();
    await eventually(() => notice(page, 'status')).toBe('Imported people.csv: 0 created, 5 skipped, 1 failed.');
    expect((await api(orgId, 'invites')).body.items).toHaveLength(4);
    // The browser logs the refusals of the rows already there (1, then 4), and nothing else.
    const refused = problems.filter((p) => /400 .*\/invites\?perPage=1|status of 400/.test(p));
    expect(refused.filter((p) => p.startsWith('400 POST'))).toHaveLength(5);
    expect(problems.filter((p) => !refused.includes(p))).toEqual([]);
  });

  it('reads the audit log, filtered by organization, action and time', async () => {
    const orgId = await newOrg('Audited');
    const kept = await createInvite(h, 'kept@audit.example', orgId);
    const gone = await createInvite(h, 'gone@audit.example', orgId);
    await h.request({ method: 'DELETE', url: `/instances/${h.instanceId}/orgs/${orgId}/invites/${gone.id}`, token: h.tokens.admin });
    // A change to the instance itself, of no organization.
    const hook = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/webhooks`, token: h.tokens.admin, body: { url: 'http://127.0.0.1:9/audited', events: ['invite.created'], description: 'audited' } });
    expect(hook.status).toBe(201);
    const { page, problems } = await openConsole(h.tokens.admin, 'Audited');
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Audit log' }).click();
    await eventually(() => page.locator('#org').isVisible()).toBe(false); // the log is the instance's: no org picker
    const filters = page.getByRole('search', { name: 'Filter the audit log' });
    const log = page.getByRole('table', { name: 'Audit log' });
    const rows = () => log.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 4).map((td) => td.textContent)));

    await filters.getByLabel('Organization').selectOption({ label: 'Audited' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(rows).toEqual([
      ['Revoked an invitation', 'Audited', 'gone@audit.example'],
      ['Invited someone', 'Audited', 'gone@audit.example'],
      ['Invited someone', 'Audited', 'kept@audit.example'],
    ]);
    await filters.getByLabel('Action').selectOption({ label: 'Invited someone' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(rows).toEqual([
      ['Invited someone', 'Audited', 'gone@audit.example'],
      ['Invited someone', 'Audited', 'kept@audit.example'],
    ]);
    expect(await page.locator('#audit-count').textContent()).toBe('1–2 of 2 entries');
    expect(kept.id).toMatch(/^[0-9a-f]{24}$/);

    await filters.getByLabel('Organization').selectOption({ label: 'Every organization' });
    await filters.getByLabel('Action').selectOption({ label: 'Added a webhook' });
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(rows).toEqual([['Added a webhook', 'The instance', hook.body.id]]);
    await h.request({ method: 'DELETE', url: `/instances/${h.instanceId}/webhooks/${hook.body.id}`, token: h.tokens.admin });

    // The harness clock stands still: a range that starts after it holds nothing.
    await filters.getByLabel('From').fill('2099-01-01T00:00');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(() => log.locator('tbody').textContent()).toBe('No entries.');
    expect(problems).toEqual([]);
  });

  it('adds a webhook (its secret shown once), reads its delivery log, sends an event again, rotates, disables and deletes it', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const { page, problems } = await openConsole(h.tokens.admin, 'Acme');
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
      await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks' }).click();
      const region = page.getByRole('region', { name: 'Webhooks' });
      const form = region.getByRole('form', { name: 'New webhook' });
      await form.getByLabel('Endpoint URL').fill(receiver.url);
      await form.getByLabel('invite.created').check();
      await form.getByLabel('Organization').selectOption({ label: 'Acme' });
      await form.getByLabel('Description (optional)').fill('seat sync');
      await form.getByRole('button', { name: 'Add webhook' }).click();
      await eventually(() => notice(page, 'status')).toBe('Added the webhook.');
      const secret = await region.getByLabel('Signing secret (shown only now)').inputValue();
      expect(secret).toMatch(/^whsec_/);
      await region.getByRole('button', { name: 'Copy the signing secret' }).click();
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
      receiver.secrets = [secret];
      const [hook] = (await h.request({ method: 'GET', url: `/instances/${h.instanceId}/webhooks`, token: h.tokens.admin })).body.items;
      expect(hook).toMatchObject({ url: receiver.url, events: ['invite.created'], orgId: h.orgId, description: 'seat sync', enabled: true });
      expect(JSON.stringify(hook)).not.toContain(secret);

      const item = region.getByRole('listitem', { name: receiver.url });
      expect(await item.locator('dt, dd').allTextContents()).toEqual(['Events', 'invite.created', 'Organization', 'Acme']);
      // Reload: the secret is gone for good.
      await page.reload();
      await region.getByRole('listitem', { name: receiver.url }).waitFor();
      expect(await page.getByLabel('Signing secret (shown only now)').count()).toBe(0);

      await createInvite(h, 'hooked@console.example');
      await h.gh.webhookWorker.drain();
      expect(receiver.ofType('invite.created').map((d) => d.event.data.email)).toContain('hooked@console.example');
      await item.getByRole('button', { name: `Delivery log of webhook ${receiver.url}` }).click();
      const log = item.getByRole('table', { name: `Delivery log of ${receiver.url}` });
      await eventually(() => log.locator('tbody tr td').allTextContents()).toEqual(expect.arrayContaining(['invite.created', expect.stringMatching(/^200 in \d+ ms$/), 'delivered']));
      await log.getByRole('button', { name: /^Send event invite\.created of .* again$/ }).first().click();
      await eventually(() => notice(page, 'status')).toBe('Queued the event for delivery again.');
      await h.gh.webhookWorker.drain();
      expect(receiver.ofType('invite.created').filter((d) => d.event.data.email === 'hooked@console.example')).toHaveLength(2);

      await item.getByRole('button', { name: `New secret for webhook ${receiver.url}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'New secret' }).click();
      await eventually(() => notice(page, 'status')).toBe('The webhook has a new signing secret.');
      const fresh = await region.getByLabel('Signing secret (shown only now)').inputValue();
      expect(fresh).toMatch(/^whsec_/);
      expect(fresh).not.toBe(secret);
      await region.getByRole('listitem', { name: receiver.url }).getByText(/^also signs until /).waitFor();

      await region.getByRole('button', { name: `Disable webhook ${receiver.url}` }).click();
      await region.getByRole('listitem', { name: receiver.url }).getByText('disabled', { exact: true }).waitFor();
      await region.getByRole('button', { name: `Delete webhook ${receiver.url}` }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete webhook' }).click();
      await region.getByText('No webhooks.').waitFor();
      expect((await h.request({ method: 'GET', url: `/instances/${h.instanceId}/webhooks`, token: h.tokens.admin })).body.items).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });

  it("puts a refused field's message next to that field, in plain words", async () => {
    const orgId = await newOrg('Fields');
    const { page, problems } = await openConsole(h.tokens.admin, 'Fields');
    const form = page.getByRole('region', { name: 'Invite someone' });
    // The browser's own check lets "a@b" through; the API does not.
    await form.getByLabel('Email').fill('a@b');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await eventually(() => form.locator('#invite-email-problem').textContent()).toBe('email must be an email address');
    expect(await form.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByLabel('Email').getAttribute('aria-describedby')).toBe('invite-email-problem');
    expect(await notice(page, 'alert')).toBe('');
    expect((await api(orgId, 'invites')).body.items).toEqual([]);

    await form.getByLabel('Email').fill('fixed@fields.example');
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await eventually(() => notice(page, 'status')).toBe('Invitation sent to fixed@fields.example.');
    expect(await form.locator('#invite-email-problem').count()).toBe(0);
    expect(await form.getByLabel('Email').getAttribute('aria-invalid')).toBeNull();
    expect(problems.filter((p) => !p.includes('400'))).toEqual([]);
  });

  it('shows an org name with markup as text, and nothing in it runs', async () => {
    const name = '<b>bold</b><script>window.__pwned=1</script>';
    await h.gh.admin.createOrg({ instanceId: h.instanceId, name });
    const { page, problems } = await newPage();
    await signIn(page, h.tokens.admin);
    expect(await page.getByLabel('Organization').locator('option').allTextContents()).toContain(name);
    await openOrg(page, name);
    await eventually(() => emails(page, 'Members')).toEqual(['No members.']);

    expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
    expect(await page.locator('b, main script').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('serves the pages and assets with strict headers', async () => {
    const admin = await h.request({ method: 'GET', url: '/admin' });
    expect([admin.status, admin.headers['content-type'], admin.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache']);
    for (const path of ['/admin', '/accept']) {
      const res = await h.request({ method: 'GET', url: path });
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("script-src 'self';");
      expect(csp).toContain("frame-ancestors 'none';");
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect(res.headers).toMatchObject({ 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff' });
    }

    const assets = [...String(admin.body).matchAll(/\/assets\/[\w.-]+/g)].map((m) => m[0]);
    expect(assets).toHaveLength(2);
    for (const path of assets) {
      const res = await h.request({ method: 'GET', url: path });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(path.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
      const immutable = 'public, max-age=31536000, immutable';
      expect(res.headers).toMatchObject({ 'cache-control': immutable, 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' });
    }

    const missing = await h.request({ method: 'GET', url: '/assets/admin-NOTHERE.js' });
    expect([missing.status, missing.headers['content-type'], missing.headers['cache-control']]).toEqual([404, expect.stringMatching(/^application\/json/), 'no-store']);
    expect(missing.body).toMatchObject({ type: 'NotFound' });

    const root = await h.request({ method: 'GET', url: '/' });
    expect([root.status, root.headers.location]).toEqual([302, '/admin']);
  });
});
