import { readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../src/mail/eml.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { createInvite } from '../helpers/routes.js';

/** A real 1×1 PNG, and a GIF: what an admin uploads. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const instanceUrl = () => `/instances/${h.instanceId}/branding`;
const orgUrl = (orgId = h.orgId) => `/instances/${h.instanceId}/orgs/${orgId}/branding`;
const patch = (url: string, body: unknown, token = h.tokens.admin) => h.request({ method: 'PATCH', url, token, body });
const get = (url: string, token = h.tokens.admin) => h.request({ method: 'GET', url, token });
const newOrg = async (name: string) => (await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs`, token: h.tokens.admin, body: { name } })).body;
const fetchLogo = (path: string) => h.gh.app.inject({ method: 'GET', url: path });

describe('instance and organization branding', () => {
  it('starts unset: Gatehouse\'s own look', async () => {
    const org = await newOrg('Plain');
    expect((await get(orgUrl(org.id), h.tokens.read)).body).toEqual({ instanceId: h.instanceId, orgId: org.id, effective: {} });
  });

  it('sets the instance\'s, which every org without its own takes', async () => {
    const res = await patch(instanceUrl(), {
      productName: '  Acme Cloud ',
      accentColor: '#0B5CAD',
      continueOrigins: ['https://App.Acme.com/', 'http://localhost:3000'],
      continueUrl: 'https://app.acme.com/welcome?from=invite',
      logo: PNG.toString('base64'),
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      instanceId: h.instanceId,
      productName: 'Acme Cloud',
      accentColor: '#0b5cad',
      continueOrigins: ['https://app.acme.com', 'http://localhost:3000'],
      continueUrl: 'https://app.acme.com/welcome?from=invite',
      lastUpdated: h.now().toISOString(),
    });
    expect(res.body.logoUrl).toMatch(new RegExp(`^/branding/${h.instanceId}/logo\\?v=[0-9a-f]{16}$`));
    expect(res.body.effective).toEqual({ productName: 'Acme Cloud', accentColor: '#0b5cad', continueUrl: 'https://app.acme.com/welcome?from=invite', logoUrl: res.body.logoUrl });
    expect((await get(instanceUrl(), h.tokens.read)).body).toEqual(res.body);

    const org = await newOrg('Inherits');
    const inherited = await get(orgUrl(org.id));
    expect(inherited.body).toEqual({ instanceId: h.instanceId, orgId: org.id, effective: res.body.effective });
  });

  it('lets an org set its own fields and fall back field by field', async () => {
    const org = await newOrg('Own look');
    const own = await patch(orgUrl(org.id), { productName: 'Acme EU', logo: `data:image/gif;base64,${GIF.toString('base64')}`, continueUrl: 'http://localhost:3000/eu' });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ orgId: org.id, productName: 'Acme EU', continueUrl: 'http://localhost:3000/eu' });
    expect(own.body.continueOrigins).toBeUndefined();
    expect(own.body.effective).toMatchObject({ productName: 'Acme EU', accentColor: '#0b5cad', continueUrl: 'http://localhost:3000/eu', logoUrl: own.body.logoUrl });
    expect(own.body.logoUrl).toContain(`/branding/${org.id}/logo`);

    const cleared = await patch(orgUrl(org.id), { productName: null, logo: null });
    expect(cleared.body.productName).toBeUndefined();
    expect(cleared.body.logoUrl).toBeUndefined();
    expect(cleared.body.effective.productName).toBe('Acme Cloud');
    expect(cleared.body.effective.logoUrl).toContain(`/branding/${h.instanceId}/logo`);
    expect((await fetchLogo(`/branding/${org.id}/logo`)).statusCode).toBe(404);
  });

  it('serves the logo itself: the sniffed type, no script, cached by version', async () => {
    const { logoUrl } = (await get(instanceUrl())).body;
    const res = await fetchLogo(logoUrl);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(PNG)).toBe(true);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toContain('immutable');
    // The bare URL follows changes: cached briefly only.
    expect((await fetchLogo(`/branding/${h.instanceId}/logo`)).headers['cache-control']).toBe('public, max-age=300');
    expect((await fetchLogo(`/branding/${h.instanceId.toUpperCase()}/logo`)).statusCode).toBe(200);
    expect((await fetchLogo('/branding/not-an-id/logo')).statusCode).toBe(400);
    expect((await fetchLogo(`/branding/${'0'.repeat(24)}/logo`)).statusCode).toBe(404);
  });

  it('drops a continue URL whose origin the instance no longer allows', async () => {
    const org = await newOrg('Origin removed');
    await patch(orgUrl(org.id), { continueUrl: 'http://localhost:3000/later' });
    await patch(instanceUrl(), { continueOrigins: ['https://app.acme.com'] });
    const res = await get(orgUrl(org.id));
    expect(res.body.continueUrl).toBe('http://localhost:3000/later');
    expect(res.body.effective.continueUrl).toBe('https://app.acme.com/welcome?from=invite');
    await patch(instanceUrl(), { continueOrigins: ['https://app.acme.com', 'http://localhost:3000'] });
  });

  it('records each change in the audit trail, never the logo\'s bytes', async () => {
    await patch(instanceUrl(), { logo: PNG.toString('base64') }, h.tokens.userAdmin);
    const trail = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?action=instanceBranding.patch`, token: h.tokens.admin });
    expect(trail.body.items[0]).toMatchObject({ action: 'instanceBranding.patch', targetId: h.instanceId, details: { logo: `image/png, ${PNG.length} bytes` } });
    expect(JSON.stringify(trail.body)).not.toContain(PNG.toString('base64').slice(0, 20));
  });
});

describe('the invitation mail', () => {
  it('carries the product name, the logo served here and the accent on its button, with a readable ink', async () => {
    const org = await newOrg('Mail look');
    await patch(orgUrl(org.id), { accentColor: '#ffd400', productName: 'Acme <Cloud>' });
    const invite = await createInvite(h, undefined, org.id);
    await h.gh.worker.drain();
    const mail = await simpleParser(await readFile((await lastMail(h.mailFolder, invite.email))!.file));
    expect(mail.text).toMatch(/^Acme <Cloud>\n\n/);
    const html = String(mail.html);
    // A yellow button takes black words; the product name is escaped, and names the logo.
    expect(html).toContain('background:#ffd400;color:#000000');
    expect(html).toContain('alt="Acme &lt;Cloud&gt;"');
    const src = /<img src="([^"]+)"/.exec(html)![1];
    expect(src).toMatch(/^https?:\/\/[^/]+\/branding\/[0-9a-f]{24}\/logo\?v=[0-9a-f]{16}$/);
    const logo = await fetchLogo(new URL(src).pathname + new URL(src).search);
    expect(logo.statusCode).toBe(200);
    expect(logo.rawPayload.equals(PNG)).toBe(true);
  });
});

describe('what is refused, changing nothing', () => {
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>').toString('base64');
  it.each([
    ['an empty change', instanceUrl, {}, /Nothing to change/, undefined],
    ['a colour that is not #rrggbb', instanceUrl, { accentColor: 'red' }, /accentColor must be a colour like #0b5cad/, 'accentColor'],
    ['an SVG logo', instanceUrl, { logo: svg }, /PNG, JPEG, GIF or WebP/, 'logo'],
    ['a logo that is not base64', instanceUrl, { logo: 'not base64!' }, /base64/, 'logo'],
    ['a logo over 128 KiB', instanceUrl, { logo: Buffer.concat([PNG, Buffer.alloc(130 * 1024)]).toString('base64') }, /at most 128 KiB/, 'logo'],
    ['a javascript: continue URL', instanceUrl, { continueUrl: 'javascript:alert(1)' }, /http or https/, 'continueUrl'],
    ['a continue URL off the allowed origins', instanceUrl, { continueUrl: 'https://evil.example.com/' }, /one of the instance's continueOrigins/, 'continueUrl'],
    ['a continue URL with credentials', instanceUrl, { continueUrl: 'https://user:pw@app.acme.com/' }, /credentials/, 'continueUrl'],
    ['an origin with a path', instanceUrl, { continueOrigins: ['https://app.acme.com/path'] }, /not an origin/, 'continueOrigins'],
    ['an ftp origin', instanceUrl, { continueOrigins: ['ftp://files.acme.com'] }, /not an origin/, 'continueOrigins'],
    ['origins on an org', () => orgUrl(), { continueOrigins: ['https://app.acme.com'] }, /instance's branding/, 'continueOrigins'],
    ['a product name on two lines', () => orgUrl(), { productName: 'Acme\nCloud' }, /control characters/, 'productName'],
    ['an unknown field', instanceUrl, { favicon: 'x' }, /favicon/, undefined],
  ])('%s', async (_, url, body, message, field) => {
    const before = await h.snapshot();
    const res = await patch(url(), body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ type: 'Validation', code: 'invalid_request' });
    expect(res.body.message).toMatch(message);
    // Named, so that a form shows the words next to the field.
    if (field) expect(res.body.field).toBe(field);
    expect(await h.snapshot()).toBe(before);
  });

  it('lets no read-only token, other instance or stranger change it', async () => {
    const before = await h.snapshot();
    expect((await patch(instanceUrl(), { productName: 'Mine' }, h.tokens.read)).status).toBe(403);
    expect((await patch(orgUrl(), { productName: 'Mine' }, h.tokens.userView)).status).toBe(403);
    expect((await patch(instanceUrl(), { productName: 'Mine' }, h.tokens.otherInstance)).status).toBe(403);
    expect((await patch(orgUrl(h.foreignOrgId), { productName: 'Mine' })).status).toBe(404);
    expect((await h.request({ method: 'PATCH', url: instanceUrl(), body: { productName: 'Mine' } })).status).toBe(401);
    expect(await h.snapshot()).toBe(before);
  });
});
