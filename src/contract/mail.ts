import { Type, type Static } from '@sinclair/typebox';
import { Id, idString, LIST_DOCS, MAX_PER_PAGE, named, ref, StringEnum, TotalCountCapped } from './common.js';

/** What the mail-problems list shows: `failed` (given up) or `retrying` (queued after a failed attempt). */
export const MAIL_PROBLEMS = ['failed', 'retrying'] as const;

/** An invitation mail that failed or waits for a retry. Never its body: that holds the invite link. */
export const MailMessage = named('MailMessage', Type.Object({
  id: Id,
  inviteId: Id,
  orgId: Id,
  to: Type.String({ description: 'The recipient' }),
  subject: Type.String(),
  status: StringEnum(MAIL_PROBLEMS, { description: '`failed`: given up; `retrying`: another attempt is due at `nextAttemptAt`' }),
  attempts: Type.Integer({ description: 'Attempts made so far' }),
  lastError: Type.Optional(Type.String({ description: 'Why the last attempt failed, as the mail server said it' })),
  createdAt: Type.String({ format: 'date-time' }),
  nextAttemptAt: Type.Optional(Type.String({ format: 'date-time', description: 'When the next attempt is due (retrying mail only)' })),
}));
export type MailMessage = Static<typeof MailMessage>;

export const MAIL_DEFAULT_PER_PAGE = 100;

export const MailQuery = Type.Object({
  status: Type.Optional(StringEnum(MAIL_PROBLEMS, { description: 'Only failed mail, or only mail waiting for a retry' })),
  orgId: Type.Optional(idString({ description: 'ID associated with the organization' })),
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: LIST_DOCS.page })),
  perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: MAIL_DEFAULT_PER_PAGE, description: LIST_DOCS.perPage })),
});
export type MailQuery = Static<typeof MailQuery>;

export const MailCollection = named('MailCollection', Type.Object({
  items: Type.Array(ref(MailMessage)),
  instanceId: Id,
  count: Type.Integer(),
  totalCount: Type.Integer(),
  totalCountCapped: Type.Optional(TotalCountCapped()),
  page: Type.Integer(),
  perPage: Type.Integer(),
  status: Type.Optional(StringEnum(MAIL_PROBLEMS)),
  orgId: Type.Optional(Id),
}));
export type MailCollection = Static<typeof MailCollection>;
