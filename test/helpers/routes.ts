import { OPERATIONS, type OperationSpec } from '../../src/contract/operations.js';
import { ACTION_SCOPES, type Action } from '../../src/contract/scopes.js';
import type { Harness } from './harness.js';

let seq = 0;
/** A fresh address each call, so tests never collide on "one pending invite per email". */
export const freshEmail = (tag = 'person') => `${tag}-${++seq}-${Math.random().toString(36).slice(2, 8)}@example.com`;

export interface RouteCase {
  action: Action;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Makes what the call needs (an invite, a member) and returns the path ids. */
  prepare(h: Harness): Promise<Record<string, string>>;
  path(ids: Record<string, string>): string;
  body?: () => unknown;
  success: number;
  /** Whose side of the API the route is: the instance's, an org's own (`/orgs/{orgId}`, upstream's `org`), or a user's (`/me`). */
  side: 'instance' | 'org' | 'user';
  /** A token with the route's broad write scope (`all.Instance`, `all.Organization` on the org side, the instance admin's `all.User` on the user's). */
  token(h: Harness): string;
}

export async function createInvite(h: Harness, email = freshEmail(), orgId = h.orgId) {
  const res = await h.request({
    method: 'POST',
    url: `/instances/${h.instanceId}/orgs/${orgId}/invites`,
    token: h.tokens.admin,
    body: { email, role: 'view' },
  });
  if (res.status !== 201) throw new Error(`invite failed: ${JSON.stringify(res.body)}`);
  const invite = res.body.items.find((i: { email: string }) => i.email === email.toLowerCase());
  return invite as { id: string; email: string };
}

export async function addMember(h: Harness, email = freshEmail('member'), role = 'view', orgId = h.orgId) {
  const res = await h.request({
    method: 'POST',
    url: `/instances/${h.instanceId}/orgs/${orgId}/members`,
    token: h.tokens.admin,
    body: { email, role },
  });
  if (res.status !== 200) throw new Error(`add member failed: ${JSON.stringify(res.body)}`);
  return res.body as { userId: string; email: string };
}

/**
 * Deletes the instance's endpoints once 40 exist: suites call the routes hundreds of times on
 * one harness, and an instance may hold only 50.
 */
export async function makeRoomForWebhooks(h: Harness) {
  const url = `/instances/${h.instanceId}/webhooks`;
  const { body } = await h.request({ method: 'GET', url, token: h.tokens.admin });
  if (body.items.length < 40) return;
  for (const { id } of body.items) await h.request({ method: 'DELETE', url: `${url}/${id}`, token: h.tokens.admin });
}

/** A webhook endpoint on a public name: the create check passes it, and the harness runs no webhook worker. */
export async function createWebhook(h: Harness, body: Record<string, unknown> = {}) {
  await makeRoomForWebhooks(h);
  const res = await h.request({
    method: 'POST',
    url: `/instances/${h.instanceId}/webhooks`,
    token: h.tokens.admin,
    body: { url: 'https://hooks.example.com/gatehouse', ...body },
  });
  if (res.status !== 201) throw new Error(`webhook create failed: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; secret: string };
}

/** A join link of the harness org (deleting the org's links once 80 exist: an org holds at most 100). */
export async function createJoinLink(h: Harness, body: Record<string, unknown> = {}, orgId = h.orgId) {
  const url = `/instances/${h.instanceId}/orgs/${orgId}/join-links`;
  const list = await h.request({ method: 'GET', url, token: h.tokens.admin });
  if (list.body.items.length >= 80) for (const { id } of list.body.items) await h.request({ method: 'DELETE', url: `${url}/${id}`, token: h.tokens.admin });
  const res = await h.request({ method: 'POST', url, token: h.tokens.admin, body: { role: 'view', ...body } });
  if (res.status !== 201) throw new Error(`join link create failed: ${JSON.stringify(res.body)}`);
  return res.body as { id: string; url: string; uses: number };
}

/** The code of a join link, from its URL. */
export const joinCode = (link: { url: string }) => new URL(link.url).pathname.split('/').at(-1)!;

/** The id of the instance's newest event. */
export async function latestEventId(h: Harness): Promise<string> {
  let after: string | undefined;
  let last: string | undefined;
  for (;;) {
    const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events?limit=1000${after ? `&after=${after}` : ''}`, token: h.tokens.admin });
    last = res.body.items.at(-1)?.id ?? last;
    after = res.body.next;
    if (!res.body.hasMore) break;
  }
  if (!last) throw new Error('the instance has no event');
  return last;
}

const org = (h: Harness) => ({ instanceId: h.instanceId, orgId: h.orgId });
const ownOrg = async (h: Harness) => ({ instanceId: h.instanceId, orgId: (await h.gh.admin.createOrg({ instanceId: h.instanceId, name: `Org ${++seq}` })).id });
const webhook = async (h: Harness) => ({ instanceId: h.instanceId, webhookId: (await createWebhook(h)).id });
/** An invite to the user of the harness's user tokens (the instance admin), in an org of its own (one pending invite per org). */
const invitedAdmin = async (h: Harness) => ({ inviteId: (await createInvite(h, 'instance-admin@example.com', (await ownOrg(h)).orgId)).id });
/** The member whose role org.modifyMember's body changes, made by its prepare (the body thunk sees no ids). */
let modifiedUserId = '';
/** The event that redeliver's body names, made by its prepare (the body thunk sees no ids). */
let redeliverEventId = '';
const instance = async (h: Harness) => ({ instanceId: h.instanceId });
const joinLink = async (h: Harness) => ({ ...org(h), joinLinkId: (await createJoinLink(h)).id });

/**
 * A new token for the token routes to read or revoke. It may only revoke tokens: no token may
 * revoke one that can do more than it can, and the matrix tries the narrowest revoking token.
 */
const narrowToken = async (h: Harness) => (await h.gh.admin.createToken({ instanceId: h.instanceId, scopes: ['instanceApiToken.delete'] })).id;

/** An invite whose mail failed for good (as the worker marks it), and that mail's id. */
export async function failedInviteMail(h: Harness, reason = '550 5.1.1 No such user') {
  const invite = await createInvite(h);
  const mail = (await h.gh.store.latestMailOf([invite.id])).get(invite.id)!;
  await h.gh.store.markMailFailed(mail.id, reason);
  return { invite, messageId: mail.id };
}

/** What each action needs to succeed: the compiler asks for one per action of the operation table. */
const FIXTURES: Record<Action, Pick<RouteCase, 'prepare' | 'body'> & { queryIds?: string[] }> = {
  'instanceAuditLogs.get': { prepare: instance },
  'instanceOrgs.get': { prepare: instance },
  'instanceOrgs.post': { prepare: instance, body: () => ({ name: `Org ${++seq}` }) },
  'instanceApiTokens.get': { prepare: instance },
  // What the narrowest creating token may itself do (a token mints nothing beyond its rights).
  'instanceApiTokens.post': { prepare: instance, body: () => ({ scope: ['instanceApiTokens.post'] }) },
  'instanceApiToken.get': { prepare: async (h) => ({ instanceId: h.instanceId, apiTokenId: await narrowToken(h) }) },
  'instanceApiToken.delete': { prepare: async (h) => ({ instanceId: h.instanceId, apiTokenId: await narrowToken(h) }) },
  'instanceOrg.get': { prepare: async (h) => org(h) },
  // An org of its own: random settings (a 1 ms invite lifetime, a member limit of 0) must not reach the other routes' fixtures.
  'instanceOrg.patch': { prepare: ownOrg, body: () => ({ description: 'Provisioning' }) },
  'instanceBranding.get': { prepare: instance },
  'instanceBranding.patch': { prepare: instance, body: () => ({ productName: 'Acme Cloud' }) },
  'instanceOrgBranding.get': { prepare: async (h) => org(h) },
  'instanceOrgBranding.patch': { prepare: ownOrg, body: () => ({ accentColor: '#0b5cad' }) },
  'instanceOrgInvites.get': { prepare: async (h) => org(h) },
  'instanceOrgInvites.post': { prepare: async (h) => org(h), body: () => ({ email: freshEmail(), role: 'edit' }) },
  'instanceOrgInvite.get': { prepare: async (h) => ({ ...org(h), inviteId: (await createInvite(h)).id }) },
  'instanceOrgInvite.delete': { prepare: async (h) => ({ ...org(h), inviteId: (await createInvite(h)).id }) },
  'instanceOrgInvite.resendInvite': { prepare: async (h) => ({ ...org(h), inviteId: (await createInvite(h)).id }), body: () => ({ role: 'admin' }) },
  'instanceOrgMembers.get': { prepare: async (h) => org(h) },
  'instanceOrgMembers.post': { prepare: async (h) => org(h), body: () => ({ email: freshEmail('member'), role: 'view' }) },
  'instanceOrgMember.get': { prepare: async (h) => ({ ...org(h), userId: (await addMember(h)).userId }) },
  'instanceOrgMember.patch': { prepare: async (h) => ({ ...org(h), userId: (await addMember(h)).userId }), body: () => ({ role: 'edit' }) },
  'instanceOrgMember.delete': { prepare: async (h) => ({ ...org(h), userId: (await addMember(h)).userId }) },
  'instanceEvents.get': { prepare: instance },
  'instanceWebhooks.get': { prepare: instance },
  'instanceWebhooks.post': { prepare: async (h) => (await makeRoomForWebhooks(h), instance(h)), body: () => ({ url: 'https://hooks.example.com/gatehouse', events: ['member.added'] }) },
  'instanceWebhook.get': { prepare: webhook },
  'instanceWebhook.patch': { prepare: webhook, body: () => ({ description: 'Provisioning' }) },
  'instanceWebhook.delete': { prepare: webhook },
  'instanceWebhook.rotate': { prepare: webhook },
  'instanceWebhook.deliveries': { prepare: webhook },
  'instanceOrgJoinLinks.get': { prepare: async (h) => org(h) },
  'instanceOrgJoinLinks.post': { prepare: async (h) => (await createJoinLink(h), org(h)), body: () => ({ role: 'view', allowedDomains: ['example.com'] }) },
  'instanceOrgJoinLink.get': { prepare: joinLink },
  'instanceOrgJoinLink.patch': { prepare: joinLink, body: () => ({ maxUses: 5 }) },
  'instanceOrgJoinLink.delete': { prepare: joinLink },
  'instanceOrgJoinLink.rotate': { prepare: joinLink },
  'instanceMail.get': { prepare: instance },
  'instanceMailMessage.retry': { prepare: async (h) => ({ instanceId: h.instanceId, messageId: (await failedInviteMail(h)).messageId }) },
  'org.pendingInvites': { prepare: async (h) => ({ orgId: h.orgId }) },
  'org.inviteMember': { prepare: async (h) => ({ orgId: h.orgId }), body: () => ({ email: freshEmail(), role: 'edit' }) },
  'org.revokeInvite': { prepare: async (h) => ({ orgId: h.orgId, inviteId: (await createInvite(h)).id }), queryIds: ['inviteId'] },
  'org.modifyMember': {
    prepare: async (h) => {
      modifiedUserId = (await addMember(h)).userId;
      return { orgId: h.orgId };
    },
    body: () => ({ userId: modifiedUserId, role: 'edit' }),
  },
  'org.removeMember': { prepare: async (h) => ({ orgId: h.orgId, userId: (await addMember(h)).userId }), queryIds: ['userId'] },
  'me.invites': { prepare: async () => ({}) },
  'me.invite': { prepare: invitedAdmin },
  'me.respondToInvite': { prepare: invitedAdmin, body: () => ({ action: 'accept' }) },
  'instanceWebhook.redeliver': {
    prepare: async (h) => {
      const ids = await webhook(h);
      await createInvite(h);
      redeliverEventId = await latestEventId(h);
      return ids;
    },
    body: () => ({ eventId: redeliverEventId }),
  },
};

/** Every action of the API (the operations a scope opens), as data for the shared security and input cases. */
export const ROUTES: RouteCase[] = (Object.keys(ACTION_SCOPES) as Action[]).map((action) => {
  const spec: OperationSpec = OPERATIONS[action];
  const fixture = FIXTURES[action];
  const side = spec.side ?? 'instance';
  // Ids the path does not name go in the query (org.revokeInvite's inviteId, org.removeMember's userId).
  const path = (ids: Record<string, string>) => {
    const query = Object.entries(ids).filter(([name]) => fixture.queryIds?.includes(name));
    const url = spec.path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]);
    return query.length ? `${url}?${new URLSearchParams(query)}` : url;
  };
  const token = (h: Harness) => (side === 'org' ? h.tokens.organization : side === 'user' ? h.tokens.userAdmin : h.tokens.admin);
  return { action, method: spec.method, path, success: spec.status, side, token, prepare: fixture.prepare, body: fixture.body };
});

/** Calls a route case with a token and returns the answer. */
export async function call(h: Harness, route: RouteCase, token: string | null, ids?: Record<string, string>) {
  const pathIds = ids ?? (await route.prepare(h));
  return h.request({ method: route.method, url: route.path(pathIds), token, body: route.body?.() });
}
