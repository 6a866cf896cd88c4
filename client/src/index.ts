/**
 * The Gatehouse client: one property per resource, one method per action, named as in the
 * Losant API documentation. Zero runtime dependencies; runs on Node >= 20 and in browsers.
 *
 * @example
 * import { createClient } from '@gatehouse/client';
 * const client = createClient({ url: 'http://127.0.0.1:3000', accessToken: process.env.GATEHOUSE_TOKEN });
 * const { items } = await client.instanceOrgInvites.get({ instanceId, orgId, sortField: 'email' });
 */
import type { AuditLog, AuditLogCollection } from '../../src/contract/audit.js';
import type { Branding, BrandingPatch } from '../../src/contract/branding.js';
import type { Invite, InviteCollection, InviteInfo, InvitePost, InviteResult, RoleInfo } from '../../src/contract/invites.js';
import type { JoinInfo, JoinLink, JoinLinkCollection, JoinLinkPatch, JoinLinkPost, JoinRequestResult } from '../../src/contract/join-links.js';
import type { MailCollection, MailMessage } from '../../src/contract/mail.js';
import type { Member, MemberCollection, MemberPatch, MemberPost } from '../../src/contract/members.js';
import { type ClientResources, RESOURCES } from '../../src/contract/operations.js';
import type { ApiToken, ApiTokenCollection, ApiTokenPost, ApiTokenWithSecret } from '../../src/contract/tokens.js';
import type { Org, OrgCollection, OrgPatch, OrgPost } from '../../src/contract/orgs.js';
import type { TokenInfo } from '../../src/contract/tokens.js';
import { type ActionSpec, type Callback, type CallOptions, type ClientOptions, dual, perform } from './request.js';

export { GatehouseError, GatehouseNetworkError } from './errors.js';
export type { Callback, CallOptions, ClientOptions };
export type { ApiToken, ApiTokenCollection, ApiTokenPost, ApiTokenWithSecret };
export type { JoinInfo, JoinLink, JoinLinkCollection, JoinLinkPatch, JoinLinkPost, JoinRequestResult };
export type { MailCollection, MailMessage };
export type { Branding, BrandingPatch };
export type { AuditLog, AuditLogCollection, Invite, InviteCollection, InviteInfo, InvitePost, InviteResult, Member, MemberCollection, MemberPatch, MemberPost, Org, OrgCollection, OrgPatch, OrgPost, RoleInfo, TokenInfo };

/** A call: returns a promise, or with a node-style callback as its last argument, nothing. */
export interface Method<P, R> {
  (params: P, callback: Callback<R>): void;
  (params: P, options: CallOptions, callback: Callback<R>): void;
  (params: P, options?: CallOptions): Promise<R>;
}

/**
 * One property per resource, one method per action, as the operation table declares them
 * (src/contract/operations.ts, where each method's documentation and example are).
 */
export type GatehouseClient = {
  [R in keyof ClientResources]: {
    [A in keyof ClientResources[R]]: ClientResources[R][A] extends { params: infer P; result: infer Result } ? Method<P, Result> : never;
  };
};

/**
 * Creates a client for a Gatehouse server.
 * @example
 * const client = createClient({ url: 'http://127.0.0.1:3000', accessToken: 'gh_…', timeout: 10_000 });
 * client.instanceOrgMembers.get({ instanceId, orgId }, (err, members) => { if (err) throw err; console.log(members.count); });
 */
export function createClient(options: ClientOptions): GatehouseClient {
  if (!options?.url) throw new TypeError('createClient needs { url }');
  const resources: Record<string, Record<string, unknown>> = {};
  for (const [resource, { actions, ...about }] of Object.entries(RESOURCES)) {
    if ('client' in about) continue;
    resources[resource] = {};
    for (const [action, spec] of Object.entries(actions as Record<string, ActionSpec>)) {
      resources[resource][action] = (params: Record<string, unknown>, optionsOrCallback?: CallOptions | Callback<unknown>, callback?: Callback<unknown>) =>
        dual((call) => perform(options, spec, params ?? {}, call), optionsOrCallback, callback);
    }
  }
  return resources as unknown as GatehouseClient;
}
