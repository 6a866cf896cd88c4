import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES, VIA_HEADER } from './canonical.js';
import { Id, idString, MAX_PER_PAGE, named, ref, ResourceRoles, Role, StringEnum } from './common.js';

export { EVENT_TYPES, VIA_HEADER };
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * How a change was asked for: a token over the API, an invitation link, a join link (the request
 * for a confirmation, and the membership it led to), the CLI, or Gatehouse itself (expiry, mail).
 */
export const VIAS = ['api', 'invite_link', 'join_link', 'cli', 'system'] as const;
export type Via = (typeof VIAS)[number];


export const EventActor = named('EventActor', Type.Object({
  /** The API token that made the change; absent for invitation links and the system. */
  tokenId: Type.Optional(Id),
  /** The token's user, or the invitee who accepted. */
  userId: Type.Optional(Id),
  via: StringEnum(VIAS),
}));

/**
 * What an event is about. Which fields are present depends on the type (see the README);
 * never a token, a link or a secret.
 */
export const EventData = named('EventData', Type.Object({
  instanceId: Id,
  orgId: Type.Optional(Id),
  inviteId: Type.Optional(Id),
  userId: Type.Optional(Id),
  email: Type.Optional(Type.String()),
  role: Type.Optional(Role),
  /** The role before the change, on `invite.resent` and `member.updated`. */
  previousRole: Type.Optional(Role),
  applicationRoles: Type.Optional(ResourceRoles),
  dashboardRoles: Type.Optional(ResourceRoles),
  previousApplicationRoles: Type.Optional(ResourceRoles),
  previousDashboardRoles: Type.Optional(ResourceRoles),
  /**
   * `invite.revoked`: `revoked` by a call, `replaced` by a newer invite or a membership, or
   * `join_link_withdrawn` (its join link was disabled, rotated or deleted); `join_link.updated`:
   * `changed` or `rotated`.
   */
  reason: Type.Optional(Type.String()),
  /** `mail.*`: the message and, on `mail.failed`, why it could not be delivered. */
  mailId: Type.Optional(Id),
  error: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  /** The join link a change is about, or that an invite or a membership came from. */
  joinLinkId: Type.Optional(Id),
  /** `join_link.*`: the link's state, limits and uses (never its code or URL). */
  state: Type.Optional(Type.String()),
  maxUses: Type.Optional(Type.Integer()),
  uses: Type.Optional(Type.Integer()),
  allowedDomains: Type.Optional(Type.Array(Type.String())),
  actor: ref(EventActor),
}));
export type EventData = Static<typeof EventData>;

/** One event, as the feed lists it and as a webhook delivers it (the Standard Webhooks payload shape plus its id). */
export const Event = named('Event', Type.Object({
  /** Unique; also the `webhook-id` of every delivery of the event. */
  id: Id,
  type: StringEnum(EVENT_TYPES),
  /** When the change happened (ISO 8601, UTC). */
  timestamp: Type.String({ format: 'date-time' }),
  data: ref(EventData),
}));
export type Event = Static<typeof Event>;

export const EVENTS_DEFAULT_LIMIT = 100;

export const EventQuery = Type.Object({
  after: Type.Optional(Type.String({ maxLength: 64, description: 'A cursor (`next` of an earlier page): events after it. Without one, the feed starts at the oldest event.' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: EVENTS_DEFAULT_LIMIT, description: 'Events per page (1-1000)' })),
  types: Type.Optional(Type.String({ maxLength: 1000, description: 'Comma-separated event types; all types when absent' })),
  orgId: Type.Optional(idString({ description: 'Only the events of this organization' })),
});
export type EventQuery = Static<typeof EventQuery>;

export const EventCollection = named('EventCollection', Type.Object({
  items: Type.Array(ref(Event)),
  instanceId: Id,
  /** Where the next page starts: pass it as `after`. Equal to `after` when there was nothing new. */
  next: Type.String(),
  /** Whether more events were already there than this page holds. */
  hasMore: Type.Boolean(),
}));
export type EventCollection = Static<typeof EventCollection>;
