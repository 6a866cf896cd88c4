/**
 * Limits everywhere, each answered with a clear 4xx; the safety headers on every kind of
 * answer; and link checks that do the same work whether the token or the email is wrong.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteMailComposer } from '../../src/mail/templates.js';
import { Invitations } from '../../src/domain/invitations.js';
import { openStore } from '../../src/store/open.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, freshEmail } from '../helpers/routes.js';

let h: Harness;
let url: string;
beforeAll(async () => {
  h = await startHarness({ env: { GATEHOUSE_RATE_LIMIT_ADDRESS: '3/1m' } });
  url = await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => h.close());

const invites = () => `/instances/${h.instanceId}/orgs/${h.orgId}/invites`;
const members = () => `/instances/${h.instanceId}/orgs/${h.orgId}/members`;
const hex = (n: number) => n.toString(16).padStart(24, '0');
const overrides = (n: number) => Array.from({ length: n }, (_, i) => ({ resourceId: hex(i), role: 'view' }));
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('limits', () => {
  it.each([
    ['a body nested 33 levels deep', { body: `{"email":"a@example.com","role":"view","x":${nested(32)}}` }, 400, /nests deeper than 32 levels/],
    ['a body over 64 KiB', { body: { email: 'a@example.com', role: 'view', pad: 'x'.repeat(70_000) } }, 413, /too large/],
    ['101 application role overrides', { body: { email: 'a@example.com', role: 'view', applicationRoles: overrides(101) } }, 400, /applicationRoles/],
    ['101 dashboard role overrides', { body: { email: 'a@example.com', role: 'view', dashboardRoles: overrides(101) } }, 400, /dashboardRoles/],
    ['an email over 1024 characters', { body: { email: `${'a'.repeat(1020)}@example.com`, role: 'view' } }, 400, /email/],
  ])('refuses %s', async (_what, { body }, status, message) => {
    const before = await h.snapshot();
    const res = await h.request({ method: 'POST', url: invites(), token: h.tokens.admin, body });
    expect(res.status).toBe(status);
    expect(res.body.message).toMatch(message);
    expect(await h.snapshot()).toBe(before);
  });

  it('takes 100 role overrides of each kind, and brackets inside strings do not count as nesting', async () => {
    const body = { email: freshEmail(), role: 'view', applicationRoles: overrides(100), dashboardRoles: overrides(100) };
    expect((await h.request({ method: 'POST', url: `${invites()}?perPage=1`, token: h.tokens.admin, body })).status).toBe(201);
    const email = `${'['.repeat(40)}@example.com`;
    const res = await h.request({ method: 'POST', url: invites(), token: h.tokens.admin, body: JSON.stringify({ email, role: 'view' }) });
    expect(res.body.message).not.toMatch(/nests deeper/);
  });

  it.each(['invite', 'resend', 'member', 'member patch'])('refuses two overrides for one resource (%s), and changes nothing', async (where) => {
    const id = 'aaaaaaaaaaaaaaaaaaaaaaaa';
    const twice = [{ resourceId: id, role: 'view' }, { resourceId: id.toUpperCase(), role: 'none' }];
    const invite = where === 'resend' ? (await h.request({ method: 'POST', url: `${invites()}?perPage=1`, token: h.tokens.admin, body: { email: freshEmail(), role: 'view' } })).body.items[0] : null;
    const member = where === 'member patch' ? await addMember(h) : null;
    const [method, url, body] =
      where === 'invite' ? ['POST', invites(), { email: freshEmail(), role: 'view', dashboardRoles: twice }]
      : where === 'resend' ? ['POST', `${invites()}/${invite.id}`, { role: 'view', applicationRoles: twice }]
      : where === 'member' ? ['POST', members(), { email: freshEmail(), role: 'view', applicationRoles: twice }]
      : ['PATCH', `${members()}/${member!.userId}`, { dashboardRoles: twice }];
    const before = await h.snapshot();
    const res = await h.request({ method: method as 'POST' | 'PATCH', url, token: h.tokens.admin, body });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/Roles must not name the same resourceId twice/) });
    expect(await h.snapshot()).toBe(before);
  });

  it.each([
    ['perPage=1001', /^perPage must be a whole number of at most 1000$/],
    ['perPage=0', /^perPage must be a whole number of 1 or more$/],
    [`filterField=email&filter=${'a'.repeat(257)}`, /^filter must be at most 256 characters long$/],
    [`filterField=email&filter=${encodeURIComponent('*a'.repeat(11))}`, /at most 10 wildcards/],
    ['page=1000001', /^page must be a whole number of at most 1000000$/],
    // One value, one spelling: only decimal digits are numbers in a query.
    ['perPage=0x10', /^perPage must be a whole number from 1 to 1000$/],
    ['perPage=1e3', /^perPage must be a whole number from 1 to 1000$/],
    ['perPage=%2016', /^perPage must be a whole number from 1 to 1000$/],
    ['page=%2B1', /^page must be a whole number from 0 to 1000000$/],
    ['page=1.0', /^page must be a whole number from 0 to 1000000$/],
  ])('refuses a list query with %s', async (query, message) => {
    const res = await h.request({ method: 'GET', url: `${invites()}?${query}`, token: h.tokens.admin });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  it('takes a glob of 10 wildcards', async () => {
    const res = await h.request({ method: 'GET', url: `${invites()}?filterField=email&filter=${encodeURIComponent('*?'.repeat(5))}`, token: h.tokens.admin });
    expect(res.status).toBe(200);
  });

  it.each([
    ['not percent-encoding', '/instances/%/orgs', 400, 'Validation', 'invalid_request', /percent-encoding/],
    ['a segment over 200 characters', `/instances/${'a'.repeat(201)}/orgs`, 414, 'UriTooLong', 'uri_too_long', /longer than 200/],
  ])('refuses a path that is %s, as JSON with the safety headers', async (_what, path, status, type, code, message) => {
    const res = await h.request({ method: 'GET', url: path, token: h.tokens.admin });
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ type, message: expect.stringMatching(message), code });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('refuses headers over 16 KiB with 431, on a real port', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${url}/healthz`, { headers: { 'x-padding': 'x'.repeat(20_000) } }, (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(431);
  });
});

describe('safety headers on every kind of answer', () => {
  const expectSafe = (headers: Record<string, unknown>, cache = 'no-store') => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cache-control']).toBe(cache);
  };

  it('successes, every error status, pages and the document', async () => {
    const token = await h.token(['all.Instance']);
    const limited = (address: string) => h.request({ method: 'GET', url: '/invites?token=t&email=e%40example.com', address });
    for (let n = 0; n < 3; n++) await limited('10.9.9.9');
    const answers = [
      await h.request({ method: 'GET', url: invites(), token }),
      await h.request({ method: 'POST', url: `${invites()}?perPage=1`, token, body: { email: freshEmail(), role: 'view' } }),
      await h.request({ method: 'GET', url: invites(), token: h.tokens.admin, headers: {} }),
      await h.request({ method: 'GET', url: invites() }),
      await h.request({ method: 'GET', url: invites(), token: h.tokens.read.replace(/.$/, 'x') }),
      await h.request({ method: 'POST', url: invites(), token: h.tokens.read, body: { email: freshEmail(), role: 'view' } }),
      await h.request({ method: 'GET', url: '/nowhere' }),
      await h.request({ method: 'GET', url: '/invites?token=t&email=e%40example.com' }),
      await h.request({ method: 'POST', url: invites(), token: h.tokens.admin, body: 'x', headers: { 'content-type': 'text/plain' } }),
      await limited('10.9.9.9'), // over the address limit of 3
      await h.request({ method: 'GET', url: '/accept' }),
      await h.request({ method: 'GET', url: '/openapi.json' }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 201, 200, 401, 401, 403, 404, 404, 415, 429, 200, 200]);
    for (const a of answers) expectSafe(a.headers);
    expect(answers[9].headers['retry-after']).toBeDefined();
    expectSafe((await h.request({ method: 'GET', url: '/admin' })).headers, 'no-cache');
  });
});

describe('link checks', () => {
  it('do the same database work for an unknown token as for a known token with another email', async () => {
    const invite = await createInvite(h);
    const { token } = await h.inviteLink(invite.email);
    const statements: string[] = [];
    const store = await openStore(h.config.database, { onQuery: (sql) => statements.push(sql) });
    try {
      const invitations = new Invitations({
        store,
        clock: () => h.now(),
        defaultInviteTtlMs: 1000,
        composeInviteMail: inviteMailComposer(() => 'http://gatehouse.test'),
        onMailQueued: () => {},
        onEventsPublished: () => {},
      });
      const work = async (run: () => Promise<unknown>) => {
        statements.length = 0;
        await expect(run()).rejects.toThrow('Invite was not found');
        return [...statements];
      };
      const unknownToken = await work(() => invitations.info('gh_unknown-token', invite.email));
      const wrongEmail = await work(() => invitations.info(token, 'someone-else@example.com'));
      expect(unknownToken).toHaveLength(1);
      expect(wrongEmail).toEqual(unknownToken);
    } finally {
      await store.close();
    }
  });
});
