import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, freshEmail } from '../helpers/routes.js';

/**
 * The organization's own side (upstream's `org`, `/orgs/{orgId}`): one domain with the
 * instance routes, so the same rules, events and audit; and who may call it: org tokens, tokens
 * bound to the org, and user tokens of the org's admins (not of its other members).
 */
let h: Harness;
let orgAdmin = '';
let orgViewer = '';
beforeAll(async () => {
  h = await startHarness();
  // People who are members of the org only, not of the instance.
  const admin = await addMember(h, 'org-admin@example.com', 'admin');
  const viewer = await addMember(h, 'org-viewer@example.com', 'view');
  orgAdmin = await h.token(['all.User'], { userId: admin.userId });
  orgViewer = await h.token(['all.User'], { userId: viewer.userId });
});
afterAll(() => h.close());

const orgUrl = (path: string, orgId = h.orgId) => `/orgs/${orgId}${path}`;
const instanceUrl = (path: string) => `/instances/${h.instanceId}/orgs/${h.orgId}${path}`;

describe('/orgs/{orgId}: the instance routes\' domain behind other doors', () => {
  it('lists what the instance route lists, as a bare array', async () => {
    await createInvite(h);
    const side = await h.request({ method: 'GET', url: orgUrl('/invites'), token: h.tokens.organizationRead });
    const instance = await h.request({ method: 'GET', url: instanceUrl('/invites'), token: h.tokens.read });
    expect(side.status).toBe(200);
    expect(side.body).toEqual(instance.body.items);
  });

  it('invites with the same rules, mail, event and audit entry as the instance route', async () => {
    const email = freshEmail();
    const res = await h.request({ method: 'POST', url: orgUrl('/invites'), token: orgAdmin, body: { email, role: 'edit' } });
    expect(res.status).toBe(200);
    expect(res.body.find((i: { email: string }) => i.email === email)).toMatchObject({ role: 'edit', hasExpired: false });
    expect((await h.inviteLink(email)).email).toBe(email);
    const again = await h.request({ method: 'POST', url: orgUrl('/invites'), token: orgAdmin, body: { email, role: 'view' } });
    expect(again.status).toBe(400);
    expect(again.body.message).toMatch(/pending invite/);
    const trail = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?action=instanceOrgInvites.post`, token: h.tokens.admin });
    expect(trail.body.items[0]).toMatchObject({ email, orgId: h.orgId });
    const events = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events?types=invite.created&limit=1000`, token: h.tokens.admin });
    expect(events.body.items.some((e: { data: { email?: string } }) => e.data.email === email)).toBe(true);
  });

  it('revokes by the inviteId in the query, and answers the list left', async () => {
    const invite = await createInvite(h);
    const res = await h.request({ method: 'DELETE', url: orgUrl(`/invites?inviteId=${invite.id}`), token: h.tokens.organization });
    expect(res.status).toBe(200);
    expect(res.body.map((i: { id: string }) => i.id)).not.toContain(invite.id);
    const gone = await h.request({ method: 'DELETE', url: orgUrl(`/invites?inviteId=${invite.id}`), token: h.tokens.organization });
    expect(gone.status).toBe(404);
  });

  it('changes and removes members, answering the org with its members; the last admin stays', async () => {
    const member = await addMember(h, freshEmail('member'), 'view');
    const changed = await h.request({ method: 'PATCH', url: orgUrl('/member'), token: orgAdmin, body: { userId: member.userId, role: 'edit' } });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ id: h.orgId, orgId: h.orgId, name: 'Acme' });
    expect(changed.body.members.find((m: { userId: string }) => m.userId === member.userId)).toMatchObject({ role: 'edit', applicationRoles: [], dashboardRoles: [] });
    const removed = await h.request({ method: 'DELETE', url: orgUrl(`/member?userId=${member.userId}`), token: orgAdmin });
    expect(removed.status).toBe(200);
    expect(removed.body.members.some((m: { userId: string }) => m.userId === member.userId)).toBe(false);
  });

  it("lets an org's viewer read, not write; and nobody outside the org either", async () => {
    const before = await h.snapshot();
    expect((await h.request({ method: 'GET', url: orgUrl('/invites'), token: orgViewer })).status).toBe(200);
    expect((await h.request({ method: 'POST', url: orgUrl('/invites'), token: orgViewer, body: { email: freshEmail(), role: 'view' } })).status).toBe(403);
    // An org admin of Acme is nobody in the instance's other org.
    expect((await h.request({ method: 'GET', url: orgUrl('/invites', h.otherOrgId), token: orgAdmin })).status).toBe(403);
    // Instance scopes do not open the org side: upstream's scopes are all.Organization, all.User and org.*.
    expect((await h.request({ method: 'GET', url: orgUrl('/invites'), token: h.tokens.admin })).status).toBe(403);
    expect(await h.snapshot()).toBe(before);
  });

  it('refuses bad input with a clear 400 that changes nothing', async () => {
    const before = await h.snapshot();
    const cases: [string, string, unknown, RegExp][] = [
      ['DELETE', orgUrl('/invites'), undefined, /inviteId/],
      ['DELETE', orgUrl('/invites?inviteId=xyz'), undefined, /inviteId must be a 24-character hex id/],
      ['PATCH', orgUrl('/member'), { role: 'edit' }, /userId/],
      ['PATCH', orgUrl('/member'), { userId: 'a'.repeat(24), role: 'owner' }, /role must be one of/],
      ['DELETE', orgUrl('/member?userId=1'), undefined, /userId/],
    ];
    for (const [method, url, body, message] of cases) {
      const res = await h.request({ method: method as 'PATCH', url, token: h.tokens.organization, body });
      expect(res.status, url).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    expect(await h.snapshot()).toBe(before);
  });
});
