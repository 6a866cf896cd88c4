import { OPERATIONS } from '../../src/contract/operations.js';
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

const org = (h: Harness) => ({ instanceId: h.instanceId, orgId: h.orgId });
const instance = async (h: Harness) => ({ instanceId: h.instanceId });

/** What each action needs to succeed: the compiler asks for one per action of the operation table. */
const FIXTURES: Record<Action, Pick<RouteCase, 'prepare' | 'body'>> = {
  'instanceAuditLogs.get': { prepare: instance },
  'instanceOrgs.get': { prepare: instance },
  'instanceOrgs.post': { prepare: instance, body: () => ({ name: `Org ${++seq}` }) },
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
};

/** Every action of the API (the operations a scope opens), as data for the shared security and input cases. */
export const ROUTES: RouteCase[] = (Object.keys(ACTION_SCOPES) as Action[]).map((action) => {
  const { method, path, status } = OPERATIONS[action];
  return { action, method, path: (ids) => path.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]), success: status, ...FIXTURES[action] };
});

/** Calls a route case with a token and returns the answer. */
export async function call(h: Harness, route: RouteCase, token: string | null, ids?: Record<string, string>) {
  const pathIds = ids ?? (await route.prepare(h));
  return h.request({ method: route.method, url: route.path(pathIds), token, body: route.body?.() });
}
