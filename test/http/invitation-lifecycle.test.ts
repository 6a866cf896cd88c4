import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY, type Harness, startHarness } from '../helpers/harness.js';
import { createInvite, freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

const invitesUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}/invites`;
const membersUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}/members`;
const invite = (body: unknown) => h.request({ method: 'POST', url: invitesUrl(), token: h.tokens.admin, body });
const info = (token: string, email: string) =>
  h.request({ method: 'GET', url: `/invites?token=${encodeURIComponent(token)}&email=${encodeURIComponent(email)}` });
const respond = (token: string, email: string, accept: boolean) =>
  h.request({ method: 'POST', url: '/invites', body: { token, email, accept } });

describe('creating an invite', () => {
  it('normalises the email, answers 201 with the whole list and mails a link', async () => {
    const res = await invite({ email: 'Grace.Hopper@Example.COM', role: 'edit', disallowTransfer: true });
    expect(res.status).toBe(201);
    expect(res.body.count).toBe(1);
    const [item] = res.body.items;
    expect(item).toMatchObject({ email: 'grace.hopper@example.com', role: 'edit', hasExpired: false, disallowTransfer: true, ttl: 7 * DAY });
    expect(item.id).toMatch(/^[0-9a-f]{24}$/);
    expect(Date.parse(item.inviteDate)).toBe(h.now().getTime());
    const { link, email } = await h.inviteLink('grace.hopper@example.com');
    expect(link.startsWith('http://gatehouse.test/accept?token=')).toBe(true);
    expect(email).toBe('grace.hopper@example.com');
    expect(link).toContain('email=grace.hopper%40example.com');
  });

  it('refuses a second pending invite for the same email, in any case, and changes nothing', async () => {
    await invite({ email: 'dup@example.com', role: 'view' });
    const res = await invite({ email: 'DUP@example.com', role: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/already has a pending invite/);
    const list = await h.request({ method: 'GET', url: invitesUrl(), token: h.tokens.admin });
    expect(list.body.items.map((i: { role: string }) => i.role)).toEqual(['view']);
  });

  it('refuses to invite an existing member', async () => {
    await h.request({ method: 'POST', url: membersUrl(), token: h.tokens.admin, body: { email: 'member@example.com', role: 'view' } });
    const res = await invite({ email: 'Member@example.com', role: 'view' });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/already a member/);
  });

  it('replaces an expired invite for the same email; the old link then answers 404', async () => {
    await invite({ email: 'late@example.com', role: 'view' });
    const old = await h.inviteLink('late@example.com');
    h.advance(7 * DAY + 1);
    const res = await invite({ email: 'late@example.com', role: 'admin' });
    expect(res.status).toBe(201);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({ role: 'admin', hasExpired: false });
    expect((await info(old.token, old.email)).status).toBe(404);
    const fresh = await h.inviteLink('late@example.com');
    expect(fresh.token).not.toBe(old.token);
    expect((await info(fresh.token, fresh.email)).status).toBe(200);
  });

  it('uses the org invite lifetime when it has one', async () => {
    const org = await h.gh.admin.createOrg({ instanceId: h.instanceId, name: 'Short', inviteTtlMs: 2000 });
    const res = await h.request({
      method: 'POST',
      url: `/instances/${h.instanceId}/orgs/${org.id}/invites`,
      token: h.tokens.admin,
      body: { email: 'quick@example.com', role: 'view' },
    });
    expect(res.body.items[0].ttl).toBe(2000);
    h.advance(2001);
    const list = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${org.id}/invites`, token: h.tokens.admin });
    expect(list.body.items[0].hasExpired).toBe(true);
  });

  it('keeps role overrides', async () => {
    const applicationRoles = [{ resourceId: 'aaaaaaaaaaaaaaaaaaaaaaa1', role: 'collaborate' }];
    const dashboardRoles = [{ resourceId: 'bbbbbbbbbbbbbbbbbbbbbbb2', role: 'none' }];
    const res = await invite({ email: 'roles@example.com', role: 'none', applicationRoles, dashboardRoles });
    expect(res.body.items[0]).toMatchObject({ applicationRoles, dashboardRoles });
  });
});

describe('member limit', () => {
  it('counts members plus pending, unexpired invites', async () => {
    await h.close();
    h = await startHarness({ memberLimit: 2 });
    await h.request({ method: 'POST', url: membersUrl(), token: h.tokens.admin, body: { email: 'one@example.com', role: 'view' } });
    expect((await invite({ email: 'two@example.com', role: 'view' })).status).toBe(201);
    const full = await invite({ email: 'three@example.com', role: 'view' });
    expect(full.status).toBe(400);
    expect(full.body.message).toMatch(/member limit of 2/);
    const direct = await h.request({ method: 'POST', url: membersUrl(), token: h.tokens.admin, body: { email: 'four@example.com', role: 'view' } });
    expect(direct.status).toBe(400);
    // An expired invite no longer holds a seat.
    h.advance(7 * DAY + 1);
    expect((await invite({ email: 'three@example.com', role: 'view' })).status).toBe(201);
  });

  it('refuses to resend an expired invite into a full org: a live invite takes a seat', async () => {
    await h.close();
    h = await startHarness({ memberLimit: 1, inviteTtl: '1h' });
    const { id: first } = await createInvite(h, 'm1@example.com');
    h.advance(3_600_001);
    await createInvite(h, 'm2@example.com');
    const before = await h.snapshot();
    const resent = await h.request({ method: 'POST', url: `${invitesUrl()}/${first}`, token: h.tokens.admin, body: { role: 'view' } });
    expect(resent.status).toBe(400);
    expect(resent.body).toMatchObject({ code: 'member_limit_reached', message: expect.stringMatching(/member limit of 1/) });
    expect(await h.snapshot(), 'the refused resend changed nothing').toBe(before);
    // Both invitees try their links: only the live one can join, and the org holds one member.
    for (const email of ['m1@example.com', 'm2@example.com']) {
      const link = await h.inviteLink(email);
      await respond(link.token, link.email, true);
    }
    const members = await h.request({ method: 'GET', url: membersUrl(), token: h.tokens.admin });
    expect(members.body.items.map((m: { email: string }) => m.email)).toEqual(['m2@example.com']);
    // A pending, unexpired invite already holds its seat: resending it is no new seat.
    const roomy = await startHarness({ memberLimit: 1 });
    try {
      const { id } = await createInvite(roomy, 'only@example.com');
      const again = await roomy.request({ method: 'POST', url: `/instances/${roomy.instanceId}/orgs/${roomy.orgId}/invites/${id}`, token: roomy.tokens.admin, body: { role: 'edit' } });
      expect(again.status).toBe(201);
    } finally {
      await roomy.close();
    }
  });
});

describe('resending', () => {
  it('applies the new role, issues a new token, restarts the lifetime and kills the old link', async () => {
    const { id } = await createInvite(h, 'resend@example.com');
    const old = await h.inviteLink('resend@example.com');
    h.advance(DAY);
    const res = await h.request({ method: 'POST', url: `${invitesUrl()}/${id}`, token: h.tokens.admin, body: { role: 'admin' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id, email: 'resend@example.com', role: 'admin', hasExpired: false });
    expect(Date.parse(res.body.inviteDate)).toBe(h.now().getTime());
    const fresh = await h.inviteLink('resend@example.com');
    expect(fresh.token).not.toBe(old.token);
    expect((await info(old.token, old.email)).status).toBe(404);
    expect((await respond(old.token, old.email, true)).status).toBe(404);
    const ok = await info(fresh.token, fresh.email);
    expect(ok.status).toBe(200);
    expect(ok.body.role).toBe('admin');
  });

  it('works on an expired invite', async () => {
    const { id } = await createInvite(h, 'expired-resend@example.com');
    h.advance(8 * DAY);
    const before = await h.request({ method: 'GET', url: `${invitesUrl()}/${id}`, token: h.tokens.admin });
    expect(before.body.hasExpired).toBe(true);
    const res = await h.request({ method: 'POST', url: `${invitesUrl()}/${id}`, token: h.tokens.admin, body: {} });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ hasExpired: false, role: 'view' });
    const link = await h.inviteLink('expired-resend@example.com');
    expect((await respond(link.token, link.email, true)).status).toBe(200);
  });

  it('answers 404 for an invite that was accepted', async () => {
    const { id } = await createInvite(h, 'done@example.com');
    const link = await h.inviteLink('done@example.com');
    await respond(link.token, link.email, true);
    const res = await h.request({ method: 'POST', url: `${invitesUrl()}/${id}`, token: h.tokens.admin, body: {} });
    expect(res.status).toBe(404);
  });
});

describe('revoking', () => {
  it('removes the invite from the list and its link answers 404 on both public endpoints', async () => {
    const { id } = await createInvite(h, 'revoke@example.com');
    const link = await h.inviteLink('revoke@example.com');
    const res = await h.request({ method: 'DELETE', url: `${invitesUrl()}/${id}`, token: h.tokens.admin });
    expect(res).toMatchObject({ status: 200, body: { success: true } });
    expect((await h.request({ method: 'GET', url: invitesUrl(), token: h.tokens.admin })).body.count).toBe(0);
    expect((await h.request({ method: 'GET', url: `${invitesUrl()}/${id}`, token: h.tokens.admin })).status).toBe(404);
    expect((await info(link.token, link.email)).status).toBe(404);
    expect((await respond(link.token, link.email, true)).status).toBe(404);
    expect((await h.request({ method: 'DELETE', url: `${invitesUrl()}/${id}`, token: h.tokens.admin })).status).toBe(404);
  });

  it('does not send mail for an invite revoked before delivery', async () => {
    const { id } = await createInvite(h, 'never@example.com');
    await h.request({ method: 'DELETE', url: `${invitesUrl()}/${id}`, token: h.tokens.admin });
    await expect(h.inviteLink('never@example.com')).rejects.toThrow(/no invitation mail/);
  });

  it('answers 404 for an invite of another org of the same instance', async () => {
    const { id } = await createInvite(h, 'other-org@example.com', h.otherOrgId);
    expect((await h.request({ method: 'GET', url: `${invitesUrl()}/${id}`, token: h.tokens.admin })).status).toBe(404);
    expect((await h.request({ method: 'DELETE', url: `${invitesUrl()}/${id}`, token: h.tokens.admin })).status).toBe(404);
  });
});

describe('the public endpoints', () => {
  it('GET tells the invite info and changes nothing', async () => {
    await invite({ email: 'look@example.com', role: 'collaborate', disallowTransfer: true });
    const link = await h.inviteLink('look@example.com');
    for (let i = 0; i < 3; i++) {
      const res = await info(link.token, link.email);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        orgName: 'Acme',
        email: 'look@example.com',
        role: 'collaborate',
        inviteDate: expect.any(String),
        ttl: 7 * DAY,
        disallowTransfer: true,
      });
    }
    expect((await respond(link.token, link.email, true)).status).toBe(200);
  });

  it('answers 404 for an unknown token or a different email, 400 for a missing one', async () => {
    await invite({ email: 'who@example.com', role: 'view' });
    const link = await h.inviteLink('who@example.com');
    expect((await info('not-a-token', link.email)).body).toEqual({ type: 'NotFound', message: 'Invite was not found', code: 'invite_link_invalid' });
    expect((await info(link.token, 'someone-else@example.com')).status).toBe(404);
    expect((await respond(link.token, 'someone-else@example.com', true)).status).toBe(404);
    expect((await h.request({ method: 'GET', url: `/invites?email=${link.email}` })).status).toBe(400);
    expect((await h.request({ method: 'GET', url: `/invites?token=${link.token}` })).status).toBe(400);
  });

  it('answers 410 once the invite has expired, on GET and POST, and nothing is consumed', async () => {
    await invite({ email: 'expire@example.com', role: 'view' });
    const link = await h.inviteLink('expire@example.com');
    h.advance(7 * DAY + 1);
    expect((await info(link.token, link.email)).body).toEqual({ type: 'Gone', message: 'Invite has expired', code: 'invite_link_expired' });
    expect((await respond(link.token, link.email, true)).status).toBe(410);
    expect((await respond(link.token, link.email, false)).status).toBe(410);
    const members = await h.request({ method: 'GET', url: membersUrl(), token: h.tokens.admin });
    expect(members.body.count).toBe(0);
  });

  it('accepting creates the user and the membership with the invited roles, once', async () => {
    const applicationRoles = [{ resourceId: 'aaaaaaaaaaaaaaaaaaaaaaa1', role: 'view' }];
    await invite({ email: 'new@example.com', role: 'edit', applicationRoles });
    const link = await h.inviteLink('new@example.com');
    const res = await respond(link.token, 'NEW@Example.com', true);
    expect(res).toMatchObject({ status: 200, body: { accepted: true, orgId: h.orgId } });
    const members = await h.request({ method: 'GET', url: membersUrl(), token: h.tokens.admin });
    expect(members.body.items).toEqual([
      expect.objectContaining({ email: 'new@example.com', role: 'edit', instanceId: h.instanceId, orgId: h.orgId }),
    ]);
    const user = await h.gh.store.getUserByEmail('new@example.com');
    const member = await h.gh.store.getMember(h.orgId, user!.id);
    expect(member?.applicationRoles).toEqual(applicationRoles);
    // Consumed: the link is dead and the invite is gone from the list.
    expect((await respond(link.token, link.email, true)).status).toBe(404);
    expect((await info(link.token, link.email)).status).toBe(404);
    expect((await h.request({ method: 'GET', url: invitesUrl(), token: h.tokens.admin })).body.count).toBe(0);
  });

  it('accepting finds an existing user by email instead of creating one', async () => {
    const existing = await h.gh.admin.createUser({ email: 'known@example.com', firstName: 'Known', lastName: 'Person' });
    await invite({ email: 'known@example.com', role: 'view' });
    const link = await h.inviteLink('known@example.com');
    expect((await respond(link.token, link.email, true)).status).toBe(200);
    const res = await h.request({ method: 'GET', url: `${membersUrl()}/${existing.id}`, token: h.tokens.admin });
    expect(res.body).toMatchObject({ userId: existing.id, firstName: 'Known', lastName: 'Person' });
  });

  it('rejecting consumes the invite and creates nothing', async () => {
    await invite({ email: 'no@example.com', role: 'view' });
    const link = await h.inviteLink('no@example.com');
    expect((await respond(link.token, link.email, false)).body).toEqual({ accepted: false, orgId: h.orgId });
    expect((await respond(link.token, link.email, true)).status).toBe(404);
    expect((await h.request({ method: 'GET', url: membersUrl(), token: h.tokens.admin })).body.count).toBe(0);
    expect(await h.gh.store.getUserByEmail('no@example.com')).toBeNull();
    // Once rejected, the person can be invited again.
    expect((await invite({ email: 'no@example.com', role: 'view' })).status).toBe(201);
  });

  it('two concurrent accepts of one invite give one membership and one success', async () => {
    await invite({ email: 'race@example.com', role: 'view' });
    const link = await h.inviteLink('race@example.com');
    const results = await Promise.all(Array.from({ length: 10 }, () => respond(link.token, link.email, true)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s !== 200).every((s) => s === 404)).toBe(true);
    const members = await h.request({ method: 'GET', url: membersUrl(), token: h.tokens.admin });
    expect(members.body.count).toBe(1);
  });

  it('an accept racing a reject ends in exactly one of the two', async () => {
    await invite({ email: 'torn@example.com', role: 'view' });
    const link = await h.inviteLink('torn@example.com');
    const [a, r] = await Promise.all([respond(link.token, link.email, true), respond(link.token, link.email, false)]);
    expect([a.status, r.status].sort()).toEqual([200, 404]);
    const members = (await h.request({ method: 'GET', url: membersUrl(), token: h.tokens.admin })).body.count;
    expect(members).toBe(a.status === 200 ? 1 : 0);
  });

  it('the invite token never appears in list or get answers or in logs', async () => {
    const { id } = await createInvite(h, 'secret@example.com');
    const link = await h.inviteLink('secret@example.com');
    const list = await h.request({ method: 'GET', url: invitesUrl(), token: h.tokens.admin });
    const one = await h.request({ method: 'GET', url: `${invitesUrl()}/${id}`, token: h.tokens.admin });
    await info(link.token, link.email);
    await respond(link.token, link.email, true);
    await h.request({ method: 'POST', url: '/invites', headers: { 'content-type': 'application/json' }, body: `{"token":"${link.token}",` });
    for (const text of [JSON.stringify(list.body), JSON.stringify(one.body), h.logs()]) expect(text).not.toContain(link.token);
    expect(h.logs()).toContain('token=[REDACTED]');
  });
});

it('fresh addresses do not collide', () => {
  expect(freshEmail()).not.toBe(freshEmail());
});
