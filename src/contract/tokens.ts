import { Type, type Static } from '@sinclair/typebox';
import { Id, LIST_DOCS, StringEnum, named } from './common.js';

/**
 * What a token may learn about itself (`GET /me/token`): enough for a console or a script to
 * find its instance and know what it may do, and never the secret.
 */
export const TokenInfo = named('TokenInfo', Type.Object({
  id: Id,
  instanceId: Id,
  instanceName: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  /** Set for a token that acts for a user, with the user's role in the instance. */
  user: Type.Optional(
    Type.Object({ id: Id, email: Type.String(), instanceRole: StringEnum(['admin', 'view']) }),
  ),
  /** Set for a token bound to one organization: it reaches that org's routes only. */
  orgId: Type.Optional(Id),
  /** The actions of the API this token may call in its instance, from its scopes (and its user's role). */
  actions: Type.Array(Type.String()),
  /** The scopes it may give a token it creates (`instanceApiTokens.post`): none that opens more than `actions`. */
  grantableScopes: Type.Array(Type.String()),
}));
export type TokenInfo = Static<typeof TokenInfo>;

/**
 * An API token of the instance as the API lists it (upstream's apiToken, in Gatehouse's
 * terms): never its secret or its hash. `status` is upstream's `active`/`inactive` spelled
 * as what happened: live, revoked or expired.
 */
export const ApiToken = named('ApiToken', Type.Object({
  id: Id,
  apiTokenId: Id,
  instanceId: Id,
  scope: Type.Array(Type.String()),
  /** Set for a token that acts for a user (created with the CLI). */
  userId: Type.Optional(Id),
  /** Set for a token bound to one organization (created with the CLI's --org). */
  orgId: Type.Optional(Id),
  status: StringEnum(['live', 'revoked', 'expired']),
  creationDate: Type.String({ format: 'date-time' }),
  expirationDate: Type.Optional(Type.String({ format: 'date-time' })),
  revokedDate: Type.Optional(Type.String({ format: 'date-time' })),
}));
export type ApiToken = Static<typeof ApiToken>;

/** The answer to a new token: the token and, this once, its secret. */
export const ApiTokenWithSecret = named('ApiTokenWithSecret', Type.Object({ ...ApiToken.properties, token: Type.String() }));
export type ApiTokenWithSecret = Static<typeof ApiTokenWithSecret>;

export const API_TOKEN_DEFAULT_PER_PAGE = 100;
export const ApiTokenListQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: LIST_DOCS.page })),
  perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: API_TOKEN_DEFAULT_PER_PAGE, description: LIST_DOCS.perPage })),
});
export type ApiTokenListQuery = Static<typeof ApiTokenListQuery>;

export const ApiTokenCollection = named('ApiTokenCollection', Type.Object({
  items: Type.Array(ApiToken),
  instanceId: Id,
  count: Type.Integer(),
  totalCount: Type.Integer(),
  totalCountCapped: Type.Optional(Type.Literal(true)),
  page: Type.Integer(),
  perPage: Type.Integer(),
}));
export type ApiTokenCollection = Static<typeof ApiTokenCollection>;

/** Upstream's apiTokenPost, of what Gatehouse keeps: the scopes and an optional expiry. */
export const ApiTokenPost = named('ApiTokenPost', Type.Object(
  {
    scope: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 64 }),
    expirationDate: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
));
export type ApiTokenPost = Static<typeof ApiTokenPost>;
