import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ memberLimit: 1000 });
});
afterAll(() => h.close());

const org = () => `/instances/${h.instanceId}/orgs/${h.orgId}`;
const trail = async (query = '', token = h.tokens.admin) => {
  const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs${query}`, token });
  expect(res.status).toBe(200);
  return res.body;
};
const newest = async () => (await trail('?perPage=1')).items[0];
const tokenId = async (token: string) => (await h.request({ method: 'GET', url: '/me/token', token })).body.id;

describe('the audit trail', () => {
  it('records an invite with who, what, when and from where; never a token', async () => {
    const email = freshEmail('audited');
    const invite = await createInvite(h, email);
    expect(await newest()).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      instanceId: h.instanceId,
      orgId: h.orgId,
      at: h.now().toISOString(),
      action: 'instanceOrgInvites.post',
      tokenId: await tokenId(h.tokens.admin),
      address: '127.0.0.1',
      targetId: invite.id,
      email,
      details: { role: 'view', applicationRoles: [], dashboardRoles: [], replaced: [] },
    });
  });

  it('records resend, revoke, accept, reject and every member change, with the acting user', async () => {
    const resent = await createInvite(h);
    await h.request({ method: 'POST', url: `${org()}/invites/${resent.id}`, token: h.tokens.userAdmin, body: { role: 'admin' } });
    const entry = await newest();
    expect(entry).toMatchObject({ action: 'instanceOrgInvite.resendInvite', targetId: resent.id, details: { role: 'admin' }, tokenId: await tokenId(h.tokens.userAdmin) });
    expect(entry.userId).toMatch(/^[0-9a-f]{24}$/);

    await h.request({ method: 'DELETE', url: `${org()}/invites/${resent.id}`, token: h.tokens.admin });
    expect(await newest()).toMatchObject({ action: 'instanceOrgInvite.delete', targetId: resent.id, email: resent.email });

    for (const accept of [true, false]) {
      const invite = await createInvite(h);
      const link = await h.inviteLink(invite.email);
      await h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: invite.email, accept } });
      const answered = await newest();
      expect(answered).toMatchObject({ action: accept ? 'orgInvites.accept' : 'orgInvites.reject', targetId: invite.id, email: invite.email, address: '127.0.0.1' });
      expect(answered.tokenId).toBeUndefined();
      // The accepting person is the actor of an accept.
      if (accept) expect(answered.userId).toMatch(/^[0-9a-f]{24}$/);
    }

    const member = await addMember(h);
    expect(await newest()).toMatchObject({ action: 'instanceOrgMembers.post', targetId: member.userId, email: member.email, details: { role: 'view' } });
    await h.request({ method: 'PATCH', url: `${org()}/members/${member.userId}`, token: h.tokens.admin, body: { role: 'edit' } });
    expect(await newest()).toMatchObject({ action: 'instanceOrgMember.patch', targetId: member.userId, details: { from: 'view', role: 'edit' } });
    await h.request({ method: 'DELETE', url: `${org()}/members/${member.userId}`, token: h.tokens.admin });
    expect(await newest()).toMatchObject({ action: 'instanceOrgMember.delete', targetId: member.userId, details: { role: 'edit' } });

    const created = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs`, token: h.tokens.admin, body: { name: 'Audited org' } });
    expect(await newest()).toMatchObject({ action: 'instanceOrgs.post', orgId: created.body.id, targetId: created.body.id, details: { name: 'Audited org' } });
  });

  it('records nothing for a refused change, and nothing for reads', async () => {
    const before = await trail();
    const email = freshEmail();
    await createInvite(h, email);
    const count = (await trail()).totalCount;
    const refused = [
      await h.request({ method: 'POST', url: `${org()}/invites`, token: h.tokens.admin, body: { email, role: 'view' } }),
      await h.request({ method: 'DELETE', url: `${org()}/members/ffffffffffffffffffffffff`, token: h.tokens.admin }),
      await h.request({ method: 'PATCH', url: `${org()}/members/ffffffffffffffffffffffff`, token: h.tokens.admin, body: { role: 'edit' } }),
      await h.request({ method: 'POST', url: '/invites', body: { token: 'nope', email, accept: true } }),
      await h.request({ method: 'POST', url: `${org()}/invites`, token: h.tokens.read, body: { email: freshEmail(), role: 'view' } }),
      await h.request({ method: 'GET', url: `${org()}/invites`, token: h.tokens.admin }),
    ];
    expect(refused.map((r) => r.status)).toEqual([400, 404, 404, 404, 403, 200]);
    expect((await trail()).totalCount).toBe(count);
    expect(count).toBe(before.totalCount + 1);
  });

  it('filters by org and time range, pages newest first, and keeps other instances out', async () => {
    const second = `/instances/${h.instanceId}/orgs/${h.otherOrgId}`;
    h.advance(60_000);
    const from = h.now().toISOString();
    await h.request({ method: 'POST', url: `${second}/invites`, token: h.tokens.admin, body: { email: freshEmail(), role: 'view' } });
    h.advance(1000);
    await h.request({ method: 'POST', url: `${second}/invites`, token: h.tokens.admin, body: { email: freshEmail(), role: 'edit' } });
    const inOrg = await trail(`?orgId=${h.otherOrgId.toUpperCase()}`);
    expect(inOrg.totalCount).toBe(2);
    expect(inOrg.items.map((e: { details: { role: string } }) => e.details.role)).toEqual(['edit', 'view']);
    expect((await trail(`?since=${encodeURIComponent(from)}`)).totalCount).toBe(2);
    expect((await trail(`?until=${encodeURIComponent(from)}`)).items.every((e: { at: string }) => e.at < from)).toBe(true);
    // An offset spelling of the same instant selects the same entries.
    const offset = new Date(Date.parse(from)).toISOString().replace('Z', '+00:00');
    expect((await trail(`?since=${encodeURIComponent(offset)}`)).totalCount).toBe(2);
    const paged = await trail('?perPage=2&page=1');
    expect(paged).toMatchObject({ count: 2, page: 1, perPage: 2 });
    const other = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs`, token: h.tokens.otherInstance });
    expect(other.status).toBe(403);
  });

  it('filters by action, alone or with the org', async () => {
    const email = freshEmail();
    const invite = await createInvite(h, email);
    await h.request({ method: 'DELETE', url: `${org()}/invites/${invite.id}`, token: h.tokens.admin });
    const revokes = await trail('?action=instanceOrgInvite.delete');
    expect(revokes).toMatchObject({ action: 'instanceOrgInvite.delete' });
    expect(revokes.items.length).toBeGreaterThan(0);
    expect(revokes.items.every((e: { action: string }) => e.action === 'instanceOrgInvite.delete')).toBe(true);
    expect(revokes.items[0]).toMatchObject({ targetId: invite.id, email });
    expect((await trail(`?action=instanceOrgInvite.delete&orgId=${h.otherOrgId}`)).items.some((e: { targetId: string }) => e.targetId === invite.id)).toBe(false);
    expect(await trail('?action=nothing.here')).toMatchObject({ totalCount: 0, items: [] });
  });

  it('refuses malformed filters with a 400', async () => {
    for (const query of ['?action=drop%20table', '?action=' + 'a.'.repeat(60), '?since=yesterday', '?until=2016-12-31T23:59:60Z', '?orgId=xyz', '?perPage=0', '?perPage=1001', '?page=-1']) {
      const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs${query}`, token: h.tokens.admin });
      expect(res.status, query).toBe(400);
    }
  });

  it('holds no secret: no API token and no invite token anywhere in the trail', async () => {
    const dump = JSON.stringify(await trail('?perPage=1000'));
    for (const token of Object.values(h.tokens)) expect(dump).not.toContain(token);
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    await h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: invite.email, accept: true } });
    expect(JSON.stringify(await trail('?perPage=1000'))).not.toContain(link.token);
  });
});
