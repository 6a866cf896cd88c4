import type { Action } from '../../src/contract/scopes.js';
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
const orgPath = (ids: Record<string, string>) => `/instances/${ids.instanceId}/orgs/${ids.orgId}`;

/** Every authenticated route of the API, as data for the shared security and input cases. */
export const ROUTES: RouteCase[] = [
  {
    action: 'instanceAuditLogs.get',
    method: 'GET',
    prepare: async (h) => ({ instanceId: h.instanceId }),
    path: (i) => `/instances/${i.instanceId}/audit-logs`,
    success: 200,
  },
  { action: 'instanceOrgs.get', method: 'GET', prepare: async (h) => ({ instanceId: h.instanceId }), path: (i) => `/instances/${i.instanceId}/orgs`, success: 200 },
  {
    action: 'instanceOrgs.post',
    method: 'POST',
    prepare: async (h) => ({ instanceId: h.instanceId }),
    path: (i) => `/instances/${i.instanceId}/orgs`,
    body: () => ({ name: `Org ${++seq}` }),
    success: 200,
  },
  { action: 'instanceOrgInvites.get', method: 'GET', prepare: async (h) => org(h), path: (i) => `${orgPath(i)}/invites`, success: 200 },
  {
    action: 'instanceOrgInvites.post',
    method: 'POST',
    prepare: async (h) => org(h),
    path: (i) => `${orgPath(i)}/invites`,
    body: () => ({ email: freshEmail(), role: 'edit' }),
    success: 201,
  },
  {
    action: 'instanceOrgInvite.get',
    method: 'GET',
    prepare: async (h) => ({ ...org(h), inviteId: (await createInvite(h)).id }),
    path: (i) => `${orgPath(i)}/invites/${i.inviteId}`,
    success: 200,
  },
  {
    action: 'instanceOrgInvite.delete',
    method: 'DELETE',
    prepare: async (h) => ({ ...org(h), inviteId: (await createInvite(h)).id }),
    path: (i) => `${orgPath(i)}/invites/${i.inviteId}`,
    success: 200,
  },
  {
    action: 'instanceOrgInvite.resendInvite',
    method: 'POST',
    prepare: async (h) => ({ ...org(h), inviteId: (await createInvite(h)).id }),
    path: (i) => `${orgPath(i)}/invites/${i.inviteId}`,
    body: () => ({ role: 'admin' }),
    success: 201,
  },
  { action: 'instanceOrgMembers.get', method: 'GET', prepare: async (h) => org(h), path: (i) => `${orgPath(i)}/members`, success: 200 },
  {
    action: 'instanceOrgMembers.post',
    method: 'POST',
    prepare: async (h) => org(h),
    path: (i) => `${orgPath(i)}/members`,
    body: () => ({ email: freshEmail('member'), role: 'view' }),
    success: 200,
  },
  {
    action: 'instanceOrgMember.get',
    method: 'GET',
    prepare: async (h) => ({ ...org(h), userId: (await addMember(h)).userId }),
    path: (i) => `${orgPath(i)}/members/${i.userId}`,
    success: 200,
  },
  {
    action: 'instanceOrgMember.patch',
    method: 'PATCH',
    prepare: async (h) => ({ ...org(h), userId: (await addMember(h)).userId }),
    path: (i) => `${orgPath(i)}/members/${i.userId}`,
    body: () => ({ role: 'edit' }),
    success: 200,
  },
  {
    action: 'instanceOrgMember.delete',
    method: 'DELETE',
    prepare: async (h) => ({ ...org(h), userId: (await addMember(h)).userId }),
    path: (i) => `${orgPath(i)}/members/${i.userId}`,
    success: 200,
  },
];

/** Calls a route case with a token and returns the answer. */
export async function call(h: Harness, route: RouteCase, token: string | null, ids?: Record<string, string>) {
  const pathIds = ids ?? (await route.prepare(h));
  return h.request({ method: route.method, url: route.path(pathIds), token, body: route.body?.() });
}
