import { Type, type Static } from '@sinclair/typebox';
import { DOMAIN_PATTERN } from './canonical.js';
import { Email, Id, named, ref, ResourceRoles, Role, StringEnum } from './common.js';

/** A link an admin shares instead of typing addresses: whoever holds it may ask to join. */
export const JOIN_LINK_STATES = ['active', 'disabled'] as const;
export type JoinLinkState = (typeof JOIN_LINK_STATES)[number];

export const MAX_ALLOWED_DOMAINS = 50;

const AllowedDomains = Type.Array(Type.String({ pattern: DOMAIN_PATTERN, maxLength: 253 }), {
  maxItems: MAX_ALLOWED_DOMAINS,
  description: 'Email domains that may join (`acme.com`; a subdomain only when listed itself). Empty or absent: any domain.',
});
const MaxUses = Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'How many people may join through the link; absent: no limit' });
const ExpiresAt = Type.String({ format: 'date-time', description: 'When the link stops working; absent: never' });
const Description = Type.String({ maxLength: 200, description: 'A note for admins (where the link was shared)' });

export const JoinLinkPost = named('JoinLinkPost', Type.Object({
  role: Role,
  applicationRoles: Type.Optional(ResourceRoles),
  dashboardRoles: Type.Optional(ResourceRoles),
  maxUses: Type.Optional(MaxUses),
  expiresAt: Type.Optional(ExpiresAt),
  allowedDomains: Type.Optional(AllowedDomains),
  description: Type.Optional(Description),
  state: Type.Optional(StringEnum(JOIN_LINK_STATES, { default: 'active' })),
}, { additionalProperties: false }));
export type JoinLinkPost = Static<typeof JoinLinkPost>;

/** Fields left out stay as they are; `null` removes a limit (no cap on uses, no expiry, no note). */
export const JoinLinkPatch = named('JoinLinkPatch', Type.Object({
  role: Type.Optional(Role),
  applicationRoles: Type.Optional(ResourceRoles),
  dashboardRoles: Type.Optional(ResourceRoles),
  maxUses: Type.Optional(Type.Union([MaxUses, Type.Null()])),
  expiresAt: Type.Optional(Type.Union([ExpiresAt, Type.Null()])),
  allowedDomains: Type.Optional(AllowedDomains),
  description: Type.Optional(Type.Union([Description, Type.Null()])),
  state: Type.Optional(StringEnum(JOIN_LINK_STATES)),
}, { additionalProperties: false }));
export type JoinLinkPatch = Static<typeof JoinLinkPatch>;

/** A join link as admins see it, its URL included (they may copy it again at any time). */
export const JoinLink = named('JoinLink', Type.Object({
  id: Id,
  instanceId: Id,
  orgId: Id,
  /**
   * `<public url>/join/<code>`: share it; rotating gives a new one and the old stops working.
   * Only for tokens that may create join links: the URL lets its holder join with the link's
   * role, so a read-only token must not be able to hand itself (or anyone) that role.
   */
  url: Type.Optional(Type.String()),
  role: Role,
  applicationRoles: ResourceRoles,
  dashboardRoles: ResourceRoles,
  maxUses: Type.Optional(Type.Integer()),
  /** How many people have joined through the link. */
  uses: Type.Integer(),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  allowedDomains: Type.Array(Type.String()),
  description: Type.Optional(Type.String()),
  state: StringEnum(JOIN_LINK_STATES),
  hasExpired: Type.Boolean(),
  usedUp: Type.Boolean(),
  creationDate: Type.String({ format: 'date-time' }),
  lastUpdated: Type.String({ format: 'date-time' }),
}));
export type JoinLink = Static<typeof JoinLink>;

export const JoinLinkCollection = named('JoinLinkCollection', Type.Object({
  items: Type.Array(ref(JoinLink)),
  instanceId: Id,
  orgId: Id,
  count: Type.Integer(),
}));
export type JoinLinkCollection = Static<typeof JoinLinkCollection>;

const Code = Type.String({ minLength: 1, maxLength: 256, description: 'The code of the join link (the last part of its URL)' });

export const JoinInfoQuery = Type.Object({ code: Code });

/** What the join page shows the holder of a link. Never the uses left or who else joined. */
export const JoinInfo = named('JoinInfo', Type.Object({
  orgName: Type.String(),
  role: Role,
  allowedDomains: Type.Array(Type.String()),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
}));
export type JoinInfo = Static<typeof JoinInfo>;

export const JoinRequest = named('JoinRequest', Type.Object({ code: Code, email: Email }, { additionalProperties: false }));
export type JoinRequest = Static<typeof JoinRequest>;

/** A confirmation link is on its way to `email`; it works until `expiresAt`. */
export const JoinRequestResult = named('JoinRequestResult', Type.Object({
  email: Email,
  orgName: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
}));
export type JoinRequestResult = Static<typeof JoinRequestResult>;
