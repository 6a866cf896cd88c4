import { Type, type Static } from '@sinclair/typebox';
import { Id, named, Role, StringEnum } from './common.js';

/**
 * The invited user's side (upstream's `me` invite actions): a token acting for a user sees the
 * pending invitations to its email, in the orgs of its instance, and answers them.
 */

/** Upstream's `orgInviteUser`. `requiresMFA` is always false: Gatehouse asks for no second factor. */
export const UserInvite = named('UserInvite', Type.Object({
  id: Id,
  orgName: Type.String(),
  role: Role,
  requiresMFA: Type.Boolean(),
  inviteDate: Type.String({ format: 'date-time' }),
  ttl: Type.Number(),
  expired: Type.Boolean(),
  invitedBy: Type.Optional(Type.Object({ fullName: Type.Optional(Type.String()), email: Type.String() })),
}));
export type UserInvite = Static<typeof UserInvite>;

/** Upstream's `orgInvitesUser`. */
export const UserInvites = named('UserInvites', Type.Array(UserInvite));
export type UserInvites = Static<typeof UserInvites>;

/** Upstream's `orgInviteActionUser`. `dismiss` hides the invite from the list; it stays valid. */
export const UserInviteAction = named('UserInviteAction', Type.Object(
  { action: StringEnum(['accept', 'reject', 'dismiss'] as const) },
  { additionalProperties: false },
));
export type UserInviteAction = Static<typeof UserInviteAction>;

/** Upstream's `orgInviteResultUser`. */
export const UserInviteResult = named('UserInviteResult', Type.Object({ result: StringEnum(['accepted', 'rejected', 'dismissed'] as const), orgId: Id }));
export type UserInviteResult = Static<typeof UserInviteResult>;
