import { Type, type Static } from '@sinclair/typebox';
import { Email, Id, idString, named, ref, ResourceRoles, Role } from './common.js';
import { Invite } from './invites.js';
import { Org } from './orgs.js';

/**
 * The organization's own side of the API (upstream's `org` resource, `/orgs/{orgId}`): what
 * an org's admins and tokens bound to it call. The same domain as the instance routes; these
 * are upstream's answer shapes for it.
 */

/** Upstream's `orgInvites`: the org's pending and expired invites, as a bare array. */
export const OrgInvites = named('OrgInvites', Type.Array(ref(Invite)));
export type OrgInvites = Static<typeof OrgInvites>;

/** Upstream's `orgMemberPatch`: whose membership, and its new role or overrides. */
export const OrgMemberPatch = named('OrgMemberPatch', Type.Object(
  { userId: Id, role: Type.Optional(Role), applicationRoles: Type.Optional(ResourceRoles), dashboardRoles: Type.Optional(ResourceRoles) },
  { additionalProperties: false },
));
export type OrgMemberPatch = Static<typeof OrgMemberPatch>;

/** A member as upstream's `org` lists them. */
const OrgMember = Type.Object({
  userId: Id,
  email: Email,
  firstName: Type.Optional(Type.String()),
  lastName: Type.Optional(Type.String()),
  avatarUrl: Type.Optional(Type.String()),
  role: Role,
  applicationRoles: ResourceRoles,
  dashboardRoles: ResourceRoles,
});

/** Upstream's `org`: the organization (as the instance's org list shows it) with its members. */
export const OrgWithMembers = named('OrgWithMembers', Type.Object({ ...Org.properties, members: Type.Array(OrgMember) }));
export type OrgWithMembers = Static<typeof OrgWithMembers>;

// Queries take unknown parameters (the `_actions`, `_links`, `_embedded` every Losant client sends), as the lists do.
/** `DELETE /orgs/{orgId}/invites?inviteId=…`. */
export const RevokeQuery = Type.Object({ inviteId: idString({ description: 'Id of invite to revoke' }) });
/** `DELETE /orgs/{orgId}/member?userId=…`; upstream's summary selectors are taken and have no effect (there is no summary). */
const summary = {
  summaryExclude: Type.Optional(Type.String({ maxLength: 1024, description: 'Comma-separated list of summary fields to exclude from org summary (no effect: Gatehouse keeps no summary)' })),
  summaryInclude: Type.Optional(Type.String({ maxLength: 1024, description: 'Comma-separated list of summary fields to include in org summary (no effect: Gatehouse keeps no summary)' })),
};
export const MemberQuery = Type.Object({ userId: idString({ description: 'Id of user to remove' }), ...summary });
export const SummaryQuery = Type.Object(summary);
