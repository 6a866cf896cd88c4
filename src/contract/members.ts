import { Type, type Static } from '@sinclair/typebox';
import { collectionFields, Email, Id, listQuery, ref, ResourceRoles, Role, named } from './common.js';

/** Upstream's member shape has additionalProperties: false, so role overrides are not echoed. */
export const Member = named('Member', Type.Object({
  instanceId: Id,
  orgId: Id,
  userId: Id,
  email: Email,
  firstName: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  lastName: Type.Optional(Type.String({ maxLength: 1024 })),
  role: Role,
  avatarUrl: Type.Optional(Type.String({ format: 'uri', maxLength: 1024 })),
  twoFactorAuthEnabled: Type.Boolean(),
  ssoLinked: Type.Boolean(),
}));
export type Member = Static<typeof Member>;

export const MEMBER_SORT_FIELDS = ['email', 'role'] as const;
export const MEMBER_LIST_DEFAULTS = { sortField: 'email', sortDirection: 'asc' } as const;
export const MemberListQuery = listQuery(MEMBER_SORT_FIELDS, MEMBER_LIST_DEFAULTS);
export type MemberListQuery = Static<typeof MemberListQuery>;

export const MemberCollection = named('MemberCollection', Type.Object({ items: Type.Array(ref(Member)), ...collectionFields }));
export type MemberCollection = Static<typeof MemberCollection>;

const roleOverrides = {
  applicationRoles: Type.Optional(ResourceRoles),
  dashboardRoles: Type.Optional(ResourceRoles),
};

export const MemberPost = named('MemberPost', Type.Union([
  Type.Object({ userId: Id, role: Role, ...roleOverrides }, { additionalProperties: false }),
  Type.Object(
    { email: Email, role: Role, ...roleOverrides, disallowTransfer: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
]));
export type MemberPost = Static<typeof MemberPost>;

export const MemberPatch = named('MemberPatch', Type.Object(
  { role: Type.Optional(Role), ...roleOverrides },
  { additionalProperties: false },
));
export type MemberPatch = Static<typeof MemberPatch>;
