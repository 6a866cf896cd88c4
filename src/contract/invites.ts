import { Type, type Static } from '@sinclair/typebox';
import { LOCALES } from './canonical.js';
import { collectionFields, Email, Id, listQuery, ref, ResourceRoles, Role, StringEnum, named } from './common.js';

export const Invite = named('Invite', Type.Object({
  id: Id,
  email: Email,
  role: Role,
  applicationRoles: ResourceRoles,
  dashboardRoles: ResourceRoles,
  inviteDate: Type.String({ format: 'date-time' }),
  ttl: Type.Number(),
  hasExpired: Type.Boolean(),
  disallowTransfer: Type.Boolean(),
  // Gatehouse's addition (upstream invites allow extra fields): delivery of the latest invitation mail.
  mailStatus: Type.Optional(StringEnum(['queued', 'sent', 'failed'])),
  mailError: Type.Optional(Type.String()),
  /** Gatehouse's addition: the join link the invitee asked through (the invite is their confirmation). */
  joinLinkId: Type.Optional(Id),
}));
export type Invite = Static<typeof Invite>;

export const INVITE_SORT_FIELDS = ['email', 'role', 'inviteDate'] as const;
export const INVITE_LIST_DEFAULTS = { sortField: 'inviteDate', sortDirection: 'desc' } as const;
export const InviteListQuery = listQuery(INVITE_SORT_FIELDS, INVITE_LIST_DEFAULTS);
export type InviteListQuery = Static<typeof InviteListQuery>;

export const InviteCollection = named('InviteCollection', Type.Object({ items: Type.Array(ref(Invite)), ...collectionFields }));
export type InviteCollection = Static<typeof InviteCollection>;

export const InvitePost = named('InvitePost', Type.Object(
  {
    email: Email,
    role: Role,
    applicationRoles: Type.Optional(ResourceRoles),
    dashboardRoles: Type.Optional(ResourceRoles),
    disallowTransfer: Type.Optional(Type.Boolean()),
    /** Gatehouse's addition: the language of the invitation mail (else the org's, else English). */
    locale: Type.Optional(StringEnum(LOCALES, { description: 'The language of the invitation mail; without it, the organization\'s language, else English' })),
  },
  { additionalProperties: false },
));
export type InvitePost = Static<typeof InvitePost>;

export const RoleInfo = named('RoleInfo', Type.Object(
  {
    role: Type.Optional(Role),
    applicationRoles: Type.Optional(ResourceRoles),
    dashboardRoles: Type.Optional(ResourceRoles),
  },
  { additionalProperties: false },
));
export type RoleInfo = Static<typeof RoleInfo>;

/** What the public endpoint tells the holder of an invite link. */
export const InviteInfo = named('InviteInfo', Type.Object({
  orgName: Type.String(),
  email: Email,
  role: Role,
  inviteDate: Type.String({ format: 'date-time' }),
  ttl: Type.Number(),
  disallowTransfer: Type.Boolean(),
  // Gatehouse's addition (upstream's schema allows extra fields): who sent the live link, when a person did.
  invitedBy: Type.Optional(Type.String()),
  /** Gatehouse's addition: present when the person asked to join through a join link (this is their confirmation). */
  joinLink: Type.Optional(Type.Literal(true)),
}));
export type InviteInfo = Static<typeof InviteInfo>;

export const InviteInfoQuery = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 256, description: 'The token associated with the invite (from the invitation link)' }),
  email: Type.String({ minLength: 1, maxLength: 1024, description: 'The email associated with the invite' }),
});

export const InviteAction = named('InviteAction', Type.Object(
  {
    email: Email,
    token: Type.String({ minLength: 1, maxLength: 256 }),
    accept: Type.Boolean(),
  },
  { additionalProperties: false },
));
export type InviteAction = Static<typeof InviteAction>;

export const InviteResult = named('InviteResult', Type.Object({ accepted: Type.Boolean(), orgId: Id }));
export type InviteResult = Static<typeof InviteResult>;
