import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../src/contract/events.js';
import { DAY, type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ memberLimit: 1000, env: { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' } });
});
afterAll(() => h.close());

const ID = /^[0-9a-f]{24}$/;
const org = () => `/instances/${h.instanceId}/orgs/${h.orgId}`;
const feed = async (query = '', token = h.tokens.admin) => {
  const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events${query}`, token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { items: any[]; next: string; hasMore: boolean; instanceId: string };
};
/** The cursor at the end of the feed now: what a consumer that is up to date holds. */
const tail = async () => {
  let page = await feed('?limit=1000');
  while (page.hasMore) page = await feed(`?limit=1000&after=${page.next}`);
  return page.next;
};
/** The events written since `cursor`, in order. */
const since = async (cursor: string) => (await feed(`?after=${cursor}&limit=1000`)).items;
const tokenId = async (token: string) => (await h.request({ method: 'GET', url: '/me/token', token })).body.id;

describe('events: every change writes its event', () => {
  it('invite.created: the instance, org, invite, email, roles, expiry and the token that asked; never a token or a link', async () => {
    const cursor = await tail();
    const email = freshEmail('evented');
    const invite = await createInvite(h, email);
    const events = await since(cursor);
    expect(events).toEqual([
      {
        id: expect.stringMatching(ID),
        type: 'invite.created',
        timestamp: h.now().toISOString(),
        data: {
          instanceId: h.instanceId,
          orgId: h.orgId,
          inviteId: invite.id,
          email,
          role: 'view',
          applicationRoles: [],
          dashboardRoles: [],
          expiresAt: new Date(h.now().getTime() + 7 * DAY).toISOString(),
          actor: { tokenId: await tokenId(h.tokens.admin), via: 'api' },
        },
      },
    ]);
    const link = await h.inviteLink(email);
    const text = JSON.stringify(await feed('?limit=1000'));
    expect(text).not.toContain(link.token);
    expect(text).not.toContain(h.tokens.admin);
    expect(text).not.toContain('/accept');
  });

  it('invite.resent names the role before and after; invite.revoked the reason', async () => {
    const invite = await createInvite(h);
    const cursor = await tail();
    await h.request({ method: 'POST', url: `${org()}/invites/${invite.id}`, token: h.tokens.userAdmin, body: { role: 'admin' } });
    await h.request({ method: 'DELETE', url: `${org()}/invites/${invite.id}`, token: h.tokens.admin });
    const [resent, revoked] = await since(cursor);
    expect(resent).toMatchObject({ type: 'invite.resent', data: { inviteId: invite.id, email: invite.email, role: 'admin', previousRole: 'view' } });
    // A user token's change names its user.
    expect(resent.data.actor).toEqual({ tokenId: await tokenId(h.tokens.userAdmin), userId: expect.stringMatching(ID), via: 'api' });
    expect(revoked).toMatchObject({ type: 'invite.revoked', data: { inviteId: invite.id, email: invite.email, reason: 'revoked' } });
  });

  it('accepting through the link: invite.accepted then member.added, by the invitee, via the invitation link', async () => {
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const cursor = await tail();
    await h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: invite.email, accept: true } });
    const [accepted, added, ...rest] = await since(cursor);
    expect(rest).toEqual([]);
    const userId = accepted.data.userId;
    expect(userId).toMatch(ID);
    expect(accepted).toMatchObject({ type: 'invite.accepted', data: { inviteId: invite.id, email: invite.email, role: 'view', actor: { userId, via: 'invite_link' } } });
    expect(accepted.data.actor.tokenId).toBeUndefined();
    expect(added).toMatchObject({ type: 'member.added', data: { orgId: h.orgId, userId, email: invite.email, role: 'view', inviteId: invite.id, actor: { userId, via: 'invite_link' } } });
    expect((await h.request({ method: 'GET', url: `${org()}/members/${userId}`, token: h.tokens.admin })).status).toBe(200);
  });

  it('rejecting writes invite.rejected and no member', async () => {
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const cursor = await tail();
    await h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: invite.email, accept: false } });
    expect((await since(cursor)).map((e) => e.type)).toEqual(['invite.rejected']);
  });

  it('member.added replaces a pending invite (invite.revoked, reason replaced); member.updated has before and after; member.removed', async () => {
    const email = freshEmail('direct');
    const invite = await createInvite(h, email);
    const cursor = await tail();
    const member = await addMember(h, email, 'view');
    const path = `${org()}/members/${member.userId}`;
    await h.request({ method: 'PATCH', url: path, token: h.tokens.admin, body: { role: 'edit', dashboardRoles: [{ resourceId: '5d5d5d5d5d5d5d5d5d5d5d5d', role: 'view' }] } });
    // Setting what is already there changes nothing, and announces nothing.
    await h.request({ method: 'PATCH', url: path, token: h.tokens.admin, body: { role: 'edit' } });
    await h.request({ method: 'DELETE', url: path, token: h.tokens.admin });
    const events = await since(cursor);
    expect(events.map((e) => e.type)).toEqual(['invite.revoked', 'member.added', 'member.updated', 'member.removed']);
    expect(events[0].data).toMatchObject({ inviteId: invite.id, email, reason: 'replaced' });
    expect(events[1].data).toMatchObject({ userId: member.userId, email, role: 'view', actor: { via: 'api' } });
    expect(events[2].data).toMatchObject({
      userId: member.userId,
      role: 'edit',
      previousRole: 'view',
      dashboardRoles: [{ resourceId: '5d5d5d5d5d5d5d5d5d5d5d5d', role: 'view' }],
      previousDashboardRoles: [],
    });
    expect(events[2].data.previousApplicationRoles).toBeUndefined();
    expect(events[3].data).toMatchObject({ userId: member.userId, email, role: 'edit' });
  });

  it('a refused change writes no event: the event exists exactly when the change does', async () => {
    const member = await addMember(h);
    const cursor = await tail();
    const before = await h.snapshot();
    const refused = await h.request({ method: 'POST', url: `${org()}/invites`, token: h.tokens.admin, body: { email: member.email, role: 'view' } });
    expect(refused.status).toBe(400);
    expect(await since(cursor)).toEqual([]);
    expect(await h.snapshot()).toBe(before);
  });

  it('mail.sent when the invitation mail is handed over, by the system', async () => {
    const invite = await createInvite(h);
    const cursor = await tail();
    await h.gh.worker.drain();
    const sent = (await since(cursor)).filter((e) => e.data.inviteId === invite.id);
    expect(sent).toEqual([
      expect.objectContaining({ type: 'mail.sent', data: { instanceId: h.instanceId, orgId: h.orgId, inviteId: invite.id, mailId: expect.stringMatching(ID), email: invite.email, actor: { via: 'system' } } }),
    ]);
  });

  it('a CLI change says so (the CLI names itself in a header)', async () => {
    const cursor = await tail();
    await h.request({ method: 'POST', url: `${org()}/invites`, token: h.tokens.admin, body: { email: freshEmail('cli'), role: 'view' }, headers: { 'x-gatehouse-via': 'cli' } });
    expect((await since(cursor))[0].data.actor.via).toBe('cli');
  });
});

describe('invite.expired', () => {
  it('is written once per invite shortly after expiry, by whichever sweep claims it first, and again after a resend made it live', async () => {
    const invite = await createInvite(h);
    const cursor = await tail();
    h.advance(7 * DAY + 1000);
    // Two sweeps at once (as two replicas would run them): one event.
    await Promise.all([h.gh.webhookWorker.sweep(), h.gh.webhookWorker.sweep()]);
    await h.gh.webhookWorker.sweep();
    const expired = (await since(cursor)).filter((e) => e.type === 'invite.expired' && e.data.inviteId === invite.id);
    expect(expired).toHaveLength(1);
    expect(expired[0].data).toMatchObject({ orgId: h.orgId, email: invite.email, role: 'view', actor: { via: 'system' } });

    await h.request({ method: 'POST', url: `${org()}/invites/${invite.id}`, token: h.tokens.admin, body: {} });
    h.advance(7 * DAY + 1000);
    await h.gh.webhookWorker.sweep();
    expect((await since(cursor)).filter((e) => e.type === 'invite.expired' && e.data.inviteId === invite.id)).toHaveLength(2);
  });
});

describe('the event feed', () => {
  it('pages in commit order with a cursor that stays valid, and filters by type and org', async () => {
    const cursor = await tail();
    const other = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${h.otherOrgId}/invites`, token: h.tokens.admin, body: { email: freshEmail('other'), role: 'view' } });
    expect(other.status).toBe(201);
    for (let i = 0; i < 5; i++) await createInvite(h);
    const all = await since(cursor);
    expect(all).toHaveLength(6);
    // Two at a time, the pages join up to the same list.
    const paged: any[] = [];
    let after = cursor;
    for (;;) {
      const page = await feed(`?after=${after}&limit=2`);
      paged.push(...page.items);
      after = page.next;
      if (!page.hasMore) break;
    }
    expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id));
    // Nothing new: the same cursor comes back, and it still works later.
    const empty = await feed(`?after=${after}`);
    expect(empty).toMatchObject({ items: [], next: after, hasMore: false });
    await createInvite(h);
    expect((await feed(`?after=${after}`)).items.map((e) => e.type)).toEqual(['invite.created']);

    expect((await feed(`?after=${cursor}&orgId=${h.otherOrgId}`)).items.map((e) => e.data.orgId)).toEqual([h.otherOrgId]);
    const types = await feed(`?after=${cursor}&types=invite.revoked,member.added`);
    expect(types.items).toEqual([]);
  });

  it('answers 400 for a cursor or a type it does not know, and read-only tokens may read it; other instances may not', async () => {
    for (const query of ['?after=bm90LWEtY3Vyc29y', '?after=!!', '?types=invite.exploded', '?types=,', '?limit=0', '?limit=1001']) {
      const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events${query}`, token: h.tokens.admin });
      expect(res.status, query).toBe(400);
      expect(res.body.message, query).not.toMatch(/undefined|stack/);
    }
    const unknown = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events?types=invite.exploded`, token: h.tokens.admin });
    expect(unknown.body.message).toContain(EVENT_TYPES.join(', '));
    expect((await feed('', h.tokens.read)).items.length).toBeGreaterThan(0);
    expect((await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events`, token: h.tokens.otherInstance })).status).toBe(403);
    const auditOnly = await h.token(['instanceAuditLogs.get']);
    expect((await feed('', auditOnly)).items.length).toBeGreaterThan(0);
  });
});

describe('retention', () => {
  it('deletes events and deliveries past GATEHOUSE_EVENT_RETENTION; a cursor short of what is kept answers 410, one at the end does not', async () => {
    const cursor = await tail();
    await createInvite(h);
    const hook = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/webhooks`, token: h.tokens.admin, body: { url: 'https://hooks.example.com/x' } });
    await addMember(h);
    const upToDate = await tail();
    h.advance(31 * DAY);
    const fresh = await createInvite(h);
    expect(await h.gh.webhookWorker.prune()).toBeGreaterThan(0);

    for (const stale of [cursor, upToDate]) {
      const gone = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events?after=${stale}`, token: h.tokens.admin });
      // The cursor at the end of what was pruned lost nothing: the next event is kept.
      expect(gone.status).toBe(stale === upToDate ? 200 : 410);
      if (stale === cursor) expect(gone.body).toMatchObject({ type: 'Gone', code: 'events_pruned' });
    }
    // From the start: only what is younger than the retention.
    expect((await feed('?limit=1000')).items.map((e) => [e.type, e.data.inviteId])).toEqual([['invite.created', fresh.id]]);
    const log = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/webhooks/${hook.body.id}/deliveries`, token: h.tokens.admin });
    // The old deliveries went with their events; the new one waits.
    expect(log.body.pending).toBe(1);
    await h.request({ method: 'DELETE', url: `/instances/${h.instanceId}/webhooks/${hook.body.id}`, token: h.tokens.admin });
  });
});
