import { Type, type Static } from '@sinclair/typebox';
import { Id, idString, LIST_DOCS, MAX_PER_PAGE, named, ref, StringEnum } from './common.js';
import { EVENT_TYPES } from './events.js';

const Url = Type.String({ minLength: 1, maxLength: 2048, description: 'Where deliveries are POSTed (http or https)' });
const EventTypes = Type.Array(StringEnum(EVENT_TYPES), {
  minItems: 1,
  maxItems: EVENT_TYPES.length,
  uniqueItems: true,
  description: 'The event types sent to the endpoint; every type when absent',
});
const Description = Type.String({ maxLength: 1000 });

export const WebhookPost = named('WebhookPost', Type.Object({
  url: Url,
  events: Type.Optional(EventTypes),
  orgId: Type.Optional(idString({ description: 'Only the events of this organization' })),
  description: Type.Optional(Description),
  enabled: Type.Optional(Type.Boolean({ default: true })),
}, { additionalProperties: false }));
export type WebhookPost = Static<typeof WebhookPost>;

/** Fields left out stay as they are; `events: null` and `orgId: null` go back to every type and every org. */
export const WebhookPatch = named('WebhookPatch', Type.Object({
  url: Type.Optional(Url),
  events: Type.Optional(Type.Union([EventTypes, Type.Null()])),
  orgId: Type.Optional(Type.Union([Id, Type.Null()])),
  description: Type.Optional(Type.Union([Description, Type.Null()])),
  enabled: Type.Optional(Type.Boolean()),
}, { additionalProperties: false }));
export type WebhookPatch = Static<typeof WebhookPatch>;

/** An endpoint as every read shows it: never its secret. */
export const Webhook = named('Webhook', Type.Object({
  id: Id,
  instanceId: Id,
  url: Type.String(),
  /** Absent: every event type. */
  events: Type.Optional(Type.Array(StringEnum(EVENT_TYPES))),
  orgId: Type.Optional(Id),
  description: Type.Optional(Type.String()),
  enabled: Type.Boolean(),
  /** Why Gatehouse disabled it (the endpoint answered 410 Gone). */
  disabledReason: Type.Optional(Type.String()),
  /** Until when the secret before the last rotation still signs deliveries beside the new one. */
  previousSecretExpiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  creationDate: Type.String({ format: 'date-time' }),
  lastUpdated: Type.String({ format: 'date-time' }),
}));
export type Webhook = Static<typeof Webhook>;

/** The answer of create and rotate: the endpoint and its signing secret, shown this once. */
export const WebhookWithSecret = named('WebhookWithSecret', Type.Intersect([
  ref(Webhook),
  Type.Object({ secret: Type.String({ description: 'The signing secret (`whsec_` and base64), shown only in this answer' }) }),
]));
export type WebhookWithSecret = Static<typeof WebhookWithSecret>;

export const WebhookCollection = named('WebhookCollection', Type.Object({
  items: Type.Array(ref(Webhook)),
  instanceId: Id,
  count: Type.Integer(),
}));
export type WebhookCollection = Static<typeof WebhookCollection>;

export const DELIVERY_STATUSES = ['queued', 'sending', 'delivered', 'failed', 'cancelled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One attempt to deliver an event to an endpoint. */
export const WebhookAttempt = named('WebhookAttempt', Type.Object({
  id: Id,
  deliveryId: Id,
  eventId: Id,
  eventType: Type.Optional(StringEnum(EVENT_TYPES)),
  at: Type.String({ format: 'date-time' }),
  durationMs: Type.Integer(),
  /** The endpoint's HTTP status; absent when no answer came (refused, timed out). */
  statusCode: Type.Optional(Type.Integer()),
  error: Type.Optional(Type.String()),
  /** The start of the endpoint's answer. */
  excerpt: Type.String(),
  /** When the next attempt is due; absent once delivered or given up. */
  nextAttemptAt: Type.Optional(Type.String({ format: 'date-time' })),
  /** Where the delivery stands now. */
  deliveryStatus: StringEnum(DELIVERY_STATUSES),
}));
export type WebhookAttempt = Static<typeof WebhookAttempt>;

export const DeliveryQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: LIST_DOCS.page })),
  perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: 100, description: LIST_DOCS.perPage })),
});
export type DeliveryQuery = Static<typeof DeliveryQuery>;

export const WebhookAttemptCollection = named('WebhookAttemptCollection', Type.Object({
  items: Type.Array(ref(WebhookAttempt)),
  webhookId: Id,
  count: Type.Integer(),
  page: Type.Integer(),
  perPage: Type.Integer(),
  /** Deliveries waiting for their first or next attempt. */
  pending: Type.Integer(),
}));
export type WebhookAttemptCollection = Static<typeof WebhookAttemptCollection>;

export const Redeliver = named('Redeliver', Type.Object({ eventId: idString({ description: 'The event to send again' }) }, { additionalProperties: false }));
export type Redeliver = Static<typeof Redeliver>;

export const RedeliverResult = named('RedeliverResult', Type.Object({ deliveryId: Id, eventId: Id }));
export type RedeliverResult = Static<typeof RedeliverResult>;
