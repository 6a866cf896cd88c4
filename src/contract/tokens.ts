import { Type, type Static } from '@sinclair/typebox';
import { Id, StringEnum, named } from './common.js';

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
  /** The actions of the API this token may call in its instance, from its scopes (and its user's role). */
  actions: Type.Array(Type.String()),
}));
export type TokenInfo = Static<typeof TokenInfo>;
