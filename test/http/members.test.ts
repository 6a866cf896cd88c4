import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const membersUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}/members`;
const post = (body: unknown) => h.request({ method: 'POST', url: membersUrl(), token: h.tokens.admin, body });

describe('adding members', () => {
  it('by email creates the user and answers 200 with the member', async () => {
    const res = await post({ email: 'Linus@Example.com', role: 'collaborate', disallowTransfer: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      instanceId: h.instanceId,
      orgId: h.orgId,
      userId: expect.stringMatching(/^[0-9a-f]{24}$/),
      email: 'linus@example.com',
      role: 'collaborate',
      twoFactorAuthEnabled: false,
      ssoLinked: false,
    });
  });

  it('by userId uses the existing user with their names', async () => {
    const user = await h.gh.admin.createUser({ email: 'named@example.com', firstName: 'Ada', lastName: 'Lovelace' });
    await h.gh.admin.addInstanceMember(h.instanceId, user.id, 'view');
    const res = await post({ userId: user.id.toUpperCase(), role: 'admin' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userId: user.id, firstName: 'Ada', lastName: 'Lovelace', role: 'admin' });
  });

  it('answers 404 for an unknown userId and 400 for a second membership', async () => {
    expect((await post({ userId: 'abcdefabcdefabcdefabcdef', role: 'view' })).body).toEqual({ type: 'NotFound', message: 'User was not found', code: 'not_found' });
    const email = freshEmail();
    await post({ email, role: 'view' });
    const again = await post({ email, role: 'admin' });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/already a member/);
  });

  it('by userId reaches only users of the instance: members of its orgs and its pending invitees too', async () => {
    const sibling = await addMember(h, freshEmail('sibling'), 'view', h.otherOrgId);
    expect((await post({ userId: sibling.userId, role: 'view' })).status).toBe(200);
    const invitee = await h.gh.admin.createUser({ email: freshEmail('invitee') });
    await createInvite(h, invitee.email, h.otherOrgId);
    expect((await post({ userId: invitee.id, role: 'view' })).status).toBe(200);
  });

  it("answers another instance's users exactly as unknown ids, and changes nothing", async () => {
    // Ids are guessable (time, a per-process constant, a counter): the id alone must give nothing.
    const foreignInstance = (await h.gh.store.getOrg(h.foreignOrgId))!.instanceId;
    const foreignOrg = `/instances/${foreignInstance}/orgs/${h.foreignOrgId}`;
    const asForeign = (path: string, body: unknown) => h.request({ method: 'POST', url: `${foreignOrg}/${path}`, token: h.tokens.otherInstance, body });
    const foreignMember = (await asForeign('members', { email: freshEmail('foreign'), role: 'view' })).body;
    const foreignAdmin = await h.gh.admin.createUser({ email: freshEmail('foreign-admin') });
    await h.gh.admin.addInstanceMember(foreignInstance, foreignAdmin.id, 'admin');
    const foreignInvitee = await h.gh.admin.createUser({ email: freshEmail('foreign-invitee') });
    expect((await asForeign('invites', { email: foreignInvitee.email, role: 'view' })).status).toBe(201);
    const unknown = await post({ userId: 'abcdefabcdefabcdefabcdef', role: 'view' });
    const before = await h.snapshot();
    for (const user of [{ id: foreignMember.userId, email: foreignMember.email }, foreignAdmin, foreignInvitee]) {
      const res = await post({ userId: user.id, role: 'view' });
      expect({ status: res.status, body: res.body }, user.email).toEqual({ status: unknown.status, body: unknown.body });
      expect(JSON.stringify(res.body)).not.toContain(user.email);
    }
    expect(await h.snapshot(), 'no membership, no audit entry').toBe(before);
  });

  it('refuses a body that mixes both forms or lacks a role', async () => {
    for (const body of [{ email: freshEmail(), userId: 'abcdefabcdefabcdefabcdef', role: 'view' }, { email: freshEmail() }, { userId: 'abcdefabcdefabcdefabcdef', role: 'view', disallowTransfer: true }]) {
      expect((await post(body)).status).toBe(400);
    }
  });

  it('ends a pending invite of the same person, whose link then answers 404', async () => {
    const email = freshEmail('invited');
    await createInvite(h, email);
    const link = await h.inviteLink(email);
    expect((await post({ email, role: 'edit' })).status).toBe(200);
    expect((await h.request({ method: 'GET', url: `/invites?token=${link.token}&email=${email}` })).status).toBe(404);
    const invites = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites?filterField=email&filter=${email}`, token: h.tokens.admin });
    expect(invites.body.count).toBe(0);
  });
});

describe('one member', () => {
  it('get, patch role and overrides, delete', async () => {
    const { userId } = await addMember(h);
    const url = `${membersUrl()}/${userId}`;
    expect((await h.request({ method: 'GET', url, token: h.tokens.admin })).body.role).toBe('view');
    const applicationRoles = [{ resourceId: 'cccccccccccccccccccccccc', role: 'collaborate' }];
    const patched = await h.request({ method: 'PATCH', url, token: h.tokens.admin, body: { role: 'edit', applicationRoles } });
    expect(patched).toMatchObject({ status: 200, body: { userId, role: 'edit' } });
    expect((await h.gh.store.getMember(h.orgId, userId))?.applicationRoles).toEqual(applicationRoles);
    // An empty patch changes nothing.
    expect((await h.request({ method: 'PATCH', url, token: h.tokens.admin, body: {} })).body.role).toBe('edit');
    expect((await h.request({ method: 'DELETE', url, token: h.tokens.admin })).body).toEqual({ success: true });
    for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
      const res = await h.request({ method, url, token: h.tokens.admin, body: method === 'PATCH' ? { role: 'view' } : undefined });
      expect(res.body).toEqual({ type: 'NotFound', message: 'Member was not found', code: 'not_found' });
    }
  });

  it('a removed member can be invited again', async () => {
    const { userId, email } = await addMember(h);
    await h.request({ method: 'DELETE', url: `${membersUrl()}/${userId}`, token: h.tokens.admin });
    expect((await createInvite(h, email)).email).toBe(email);
  });

  it('members of another org are not visible through this org', async () => {
    const { userId } = await addMember(h, freshEmail(), 'view', h.otherOrgId);
    expect((await h.request({ method: 'GET', url: `${membersUrl()}/${userId}`, token: h.tokens.admin })).status).toBe(404);
  });
});
