import { Type, type Static } from '@sinclair/typebox';
import { ACTION_PATTERN } from './canonical.js';
import { Id, idString, LIST_DOCS, MAX_PER_PAGE, ref, TotalCountCapped, named } from './common.js';

/** One entry of the audit trail: who (token id, user, address), what, when. Never a secret. */
export const AuditLog = named('AuditLog', Type.Object({
  id: Id,
  instanceId: Id,
  orgId: Type.Optional(Id),
  at: Type.String({ format: 'date-time' }),
  /** The API action that made the change; `orgInvites.accept` / `orgInvites.reject` for the invite link. */
  action: Type.String(),
  tokenId: Type.Optional(Id),
  userId: Type.Optional(Id),
  /** The client address the change came from. */
  address: Type.Optional(Type.String()),
  /** The invite, member (user id) or organization changed. */
  targetId: Type.Optional(Id),
  email: Type.Optional(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
}));
export type AuditLog = Static<typeof AuditLog>;

export const AUDIT_DEFAULT_PER_PAGE = 100;

export const AuditLogQuery = Type.Object({
  orgId: Type.Optional(idString({ description: 'ID associated with the organization' })),
  action: Type.Optional(Type.String({ pattern: ACTION_PATTERN, maxLength: 100, description: 'Only entries of this action (`instanceOrgInvites.post`, `orgInvites.accept`, …)' })),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Entries at or after this instant (ISO 8601)' })),
  until: Type.Optional(Type.String({ format: 'date-time', description: 'Entries before this instant (ISO 8601)' })),
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0, description: LIST_DOCS.page })),
  perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: AUDIT_DEFAULT_PER_PAGE, description: LIST_DOCS.perPage })),
});
export type AuditLogQuery = Static<typeof AuditLogQuery>;

export const AuditLogCollection = named('AuditLogCollection', Type.Object({
  items: Type.Array(ref(AuditLog)),
  /** Absent only in `gatehouse audit list` without --instance (every instance). */
  instanceId: Type.Optional(Id),
  count: Type.Integer(),
  totalCount: Type.Integer(),
  totalCountCapped: Type.Optional(TotalCountCapped()),
  page: Type.Integer(),
  perPage: Type.Integer(),
  orgId: Type.Optional(Id),
  action: Type.Optional(Type.String()),
  since: Type.Optional(Type.String()),
  until: Type.Optional(Type.String()),
}));
export type AuditLogCollection = Static<typeof AuditLogCollection>;
