/**
 * The Gatehouse client: one property per resource, one method per action, named as in the
 * Losant API documentation. Zero runtime dependencies; runs on Node >= 20 and in browsers.
 *
 * @example
 * import { createClient } from '@gatehouse/client';
 * const client = createClient({ url: 'http://127.0.0.1:3000', accessToken: process.env.GATEHOUSE_TOKEN });
 * const { items } = await client.instanceOrgInvites.get({ instanceId, orgId, sortField: 'email' });
 */
import type { AuditLog, AuditLogCollection, AuditLogQuery } from '../../src/contract/audit.js';
import type { Invite, InviteCollection, InviteInfo, InviteListQuery, InvitePost, InviteResult, RoleInfo } from '../../src/contract/invites.js';
import type { Member, MemberCollection, MemberListQuery, MemberPatch, MemberPost } from '../../src/contract/members.js';
import type { Org, OrgCollection, OrgListQuery, OrgPost } from '../../src/contract/orgs.js';
import type { TokenInfo } from '../../src/contract/tokens.js';
import { type ActionSpec, type Callback, type CallOptions, type ClientOptions, dual, perform } from './request.js';

export { GatehouseError, GatehouseNetworkError } from './errors.js';
export type { Callback, CallOptions, ClientOptions };
export type { AuditLog, AuditLogCollection, Invite, InviteCollection, InviteInfo, InvitePost, InviteResult, Member, MemberCollection, MemberPatch, MemberPost, Org, OrgCollection, OrgPost, RoleInfo, TokenInfo };

/** A call: returns a promise, or with a node-style callback as its last argument, nothing. */
export interface Method<P, R> {
  (params: P, callback: Callback<R>): void;
  (params: P, options: CallOptions, callback: Callback<R>): void;
  (params: P, options?: CallOptions): Promise<R>;
}

/** Every call may name the Losant domain scope (rarely needed), as upstream clients do. */
interface Common {
  losantdomain?: string;
}
export interface OrgParams extends Common {
  instanceId: string;
  orgId: string;
}
export type Success = { success: true };

export interface InstanceOrgs {
  /**
   * Returns the organizations of the instance, paged (100 per page unless asked otherwise).
   * @example
   * const { items } = await client.instanceOrgs.get({ instanceId, filterField: 'name', filter: 'acme*', sortField: 'creationDate' });
   */
  get: Method<Common & { instanceId: string } & OrgListQuery, OrgCollection>;
  /**
   * Creates an organization in the instance.
   * @example
   * const org = await client.instanceOrgs.post({ instanceId, orgConfig: { name: 'Acme', limits: { member: 50 } } });
   */
  post: Method<Common & { instanceId: string; orgConfig: OrgPost }, Org>;
}

export interface InstanceAuditLogs {
  /**
   * Returns the instance's audit trail, newest first: who changed what, when and from where.
   * @example
   * const { items } = await client.instanceAuditLogs.get({ instanceId, orgId, since: '2026-11-01T00:00:00Z', perPage: 50 });
   */
  get: Method<Common & { instanceId: string } & AuditLogQuery, AuditLogCollection>;
}

export interface Me {
  /**
   * Describes the client's own token: its instance, scopes, user and the actions it may call.
   * @example
   * const { instanceId, actions } = await client.me.token({});
   * if (actions.includes('instanceOrgInvites.post')) console.log('this token may invite');
   */
  token: Method<Common, TokenInfo>;
}

export interface InstanceOrgInvites {
  /**
   * Returns a collection of instance organization invites (pending and expired).
   * @example
   * const list = await client.instanceOrgInvites.get({ instanceId, orgId, filterField: 'email', filter: '*@example.com', perPage: 50 });
   */
  get: Method<OrgParams & InviteListQuery, InviteCollection>;
  /**
   * Invites a member to an instance organization; answers with the org's invite list
   * (shaped by the same list parameters).
   * @example
   * await client.instanceOrgInvites.post({ instanceId, orgId, invite: { email: 'ada@example.com', role: 'edit' }, perPage: 1 });
   */
  post: Method<OrgParams & InviteListQuery & { invite: InvitePost }, InviteCollection>;
}

export interface InstanceOrgInvite {
  /**
   * Returns an organization invite.
   * @example
   * const invite = await client.instanceOrgInvite.get({ instanceId, orgId, inviteId });
   */
  get: Method<OrgParams & { inviteId: string }, Invite>;
  /**
   * Revokes an instance org invitation; its link stops working.
   * @example
   * await client.instanceOrgInvite.delete({ instanceId, orgId, inviteId });
   */
  delete: Method<OrgParams & { inviteId: string }, Success>;
  /**
   * Resends an invite with modified role info: a new link, a new lifetime; the old link dies.
   * @example
   * const invite = await client.instanceOrgInvite.resendInvite({ instanceId, orgId, inviteId, roleInfo: { role: 'admin' } });
   */
  resendInvite: Method<OrgParams & { inviteId: string; roleInfo: RoleInfo }, Invite>;
}

export interface InstanceOrgMembers {
  /**
   * Returns a collection of instance organization members.
   * @example
   * const { items } = await client.instanceOrgMembers.get({ instanceId, orgId, sortField: 'role', sortDirection: 'desc' });
   */
  get: Method<OrgParams & MemberListQuery, MemberCollection>;
  /**
   * Creates a new organization member, from a user id or an email (the user is found or created).
   * @example
   * const member = await client.instanceOrgMembers.post({ instanceId, orgId, member: { email: 'ada@example.com', role: 'view' } });
   */
  post: Method<OrgParams & { member: MemberPost }, Member>;
}

export interface InstanceOrgMember {
  /**
   * Returns an organization member.
   * @example
   * const member = await client.instanceOrgMember.get({ instanceId, orgId, userId });
   */
  get: Method<OrgParams & { userId: string }, Member>;
  /**
   * Modifies the role (and resource overrides) of an organization member.
   * @example
   * await client.instanceOrgMember.patch({ instanceId, orgId, userId, member: { role: 'edit' } });
   */
  patch: Method<OrgParams & { userId: string; member: MemberPatch }, Member>;
  /**
   * Removes a member from the organization.
   * @example
   * await client.instanceOrgMember.delete({ instanceId, orgId, userId });
   */
  delete: Method<OrgParams & { userId: string }, Success>;
}

export interface OrgInvites {
  /**
   * Gets information about an invite from its link (no token needed; changes nothing).
   * @example
   * const info = await client.orgInvites.get({ token, email: 'ada@example.com' });
   */
  get: Method<Common & { token: string; email: string }, InviteInfo>;
  /**
   * Accepts or rejects an invite (no token needed).
   * @example
   * const { accepted, orgId } = await client.orgInvites.post({ invite: { token, email: 'ada@example.com', accept: true } });
   */
  post: Method<Common & { invite: { token: string; email: string; accept: boolean } }, InviteResult>;
}

export interface GatehouseClient {
  instanceOrgs: InstanceOrgs;
  instanceAuditLogs: InstanceAuditLogs;
  me: Me;
  instanceOrgInvites: InstanceOrgInvites;
  instanceOrgInvite: InstanceOrgInvite;
  instanceOrgMembers: InstanceOrgMembers;
  instanceOrgMember: InstanceOrgMember;
  orgInvites: OrgInvites;
}

const ORG = '/instances/{instanceId}/orgs/{orgId}';
const LIST = ['sortField', 'sortDirection', 'filterField', 'filter', 'page', 'perPage'] as const;

/** How each action maps onto HTTP: the one table the client is built from. */
const ACTIONS = {
  instanceOrgs: {
    get: { method: 'GET', path: '/instances/{instanceId}/orgs', query: LIST },
    post: { method: 'POST', path: '/instances/{instanceId}/orgs', body: 'orgConfig' },
  },
  instanceAuditLogs: {
    get: { method: 'GET', path: '/instances/{instanceId}/audit-logs', query: ['orgId', 'since', 'until', 'page', 'perPage'] },
  },
  me: {
    token: { method: 'GET', path: '/me/token' },
  },
  instanceOrgInvites: {
    get: { method: 'GET', path: `${ORG}/invites`, query: LIST },
    post: { method: 'POST', path: `${ORG}/invites`, query: LIST, body: 'invite' },
  },
  instanceOrgInvite: {
    get: { method: 'GET', path: `${ORG}/invites/{inviteId}` },
    delete: { method: 'DELETE', path: `${ORG}/invites/{inviteId}` },
    resendInvite: { method: 'POST', path: `${ORG}/invites/{inviteId}`, body: 'roleInfo' },
  },
  instanceOrgMembers: {
    get: { method: 'GET', path: `${ORG}/members`, query: LIST },
    post: { method: 'POST', path: `${ORG}/members`, body: 'member' },
  },
  instanceOrgMember: {
    get: { method: 'GET', path: `${ORG}/members/{userId}` },
    patch: { method: 'PATCH', path: `${ORG}/members/{userId}`, body: 'member' },
    delete: { method: 'DELETE', path: `${ORG}/members/{userId}` },
  },
  orgInvites: {
    get: { method: 'GET', path: '/invites', query: ['token', 'email'] },
    post: { method: 'POST', path: '/invites', body: 'invite' },
  },
} as const satisfies Record<string, Record<string, ActionSpec>>;

/**
 * Creates a client for a Gatehouse server.
 * @example
 * const client = createClient({ url: 'http://127.0.0.1:3000', accessToken: 'gh_…', timeout: 10_000 });
 * client.instanceOrgMembers.get({ instanceId, orgId }, (err, members) => { if (err) throw err; console.log(members.count); });
 */
export function createClient(options: ClientOptions): GatehouseClient {
  if (!options?.url) throw new TypeError('createClient needs { url }');
  const resources: Record<string, Record<string, unknown>> = {};
  for (const [resource, actions] of Object.entries(ACTIONS)) {
    resources[resource] = {};
    for (const [action, spec] of Object.entries(actions as Record<string, ActionSpec>)) {
      resources[resource][action] = (params: Record<string, unknown>, optionsOrCallback?: CallOptions | Callback<unknown>, callback?: Callback<unknown>) =>
        dual((call) => perform(options, spec, params ?? {}, call), optionsOrCallback, callback);
    }
  }
  return resources as unknown as GatehouseClient;
}
