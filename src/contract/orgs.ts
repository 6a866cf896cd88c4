import { Type, type Static } from '@sinclair/typebox';
import { LOCALES } from './canonical.js';
import { collectionFields, Id, LIST_DOCS, ref, MAX_FILTER_LENGTH, MAX_PER_PAGE, sortDirection, StringEnum, named } from './common.js';

/**
 * An organization of an instance, in upstream's shape (instanceOrgs items). Of upstream's
 * limits Gatehouse keeps the one it enforces: `member` (members plus pending invites).
 */
export const Org = named('Org', Type.Object({
  id: Id,
  orgId: Id,
  instanceId: Id,
  name: Type.String({ minLength: 1, maxLength: 255 }),
  description: Type.Optional(Type.String({ maxLength: 32767 })),
  iconColor: Type.Optional(Type.String({ maxLength: 64 })),
  limits: Type.Object({ member: Type.Optional(Type.Integer()) }),
  /** Gatehouse's: how long its invites live, in ms; absent for the server's default. */
  inviteTtlMs: Type.Optional(Type.Integer()),
  /** Gatehouse's: the language of its mail and pages; absent for the server's default. */
  locale: Type.Optional(StringEnum(LOCALES)),
  creationDate: Type.String({ format: 'date-time' }),
  lastUpdated: Type.String({ format: 'date-time' }),
}));
export type Org = Static<typeof Org>;

const ORG_SORT_FIELDS = ['name', 'id', 'creationDate', 'lastUpdated'] as const;
export type OrgSortField = (typeof ORG_SORT_FIELDS)[number];
/** Upstream pages this list always: page 0 and 100 per page unless asked otherwise. */
export const ORG_LIST_DEFAULTS = { sortField: 'name', sortDirection: 'asc', page: 0, perPage: 100 } as const;

export const OrgListQuery = Type.Object({
  sortField: Type.Optional(StringEnum(ORG_SORT_FIELDS, { default: ORG_LIST_DEFAULTS.sortField, description: LIST_DOCS.sortField })),
  sortDirection: Type.Optional(sortDirection({ default: ORG_LIST_DEFAULTS.sortDirection, description: LIST_DOCS.sortDirection })),
  filterField: Type.Optional(StringEnum(['name', ''], { description: LIST_DOCS.filterField })),
  filter: Type.Optional(Type.String({ maxLength: MAX_FILTER_LENGTH, description: LIST_DOCS.filter })),
  page: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: ORG_LIST_DEFAULTS.page, description: LIST_DOCS.page })),
  perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, default: ORG_LIST_DEFAULTS.perPage, description: LIST_DOCS.perPage })),
});
export type OrgListQuery = Static<typeof OrgListQuery>;

/** The collection fields of the org lists, less the org id; always paged. */
const { orgId: _, ...listFields } = collectionFields;
export const OrgCollection = named('OrgCollection', Type.Object({ items: Type.Array(ref(Org)), ...listFields, page: Type.Integer(), perPage: Type.Integer() }));
export type OrgCollection = Static<typeof OrgCollection>;

/** Upstream's instanceOrgPost, less what Gatehouse does not manage (devices, domains, …): those are refused, not ignored. */
export const OrgPost = named('OrgPost', Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    description: Type.Optional(Type.String({ maxLength: 32767 })),
    iconColor: Type.Optional(Type.String({ maxLength: 64 })),
    limits: Type.Optional(
      Type.Object({ member: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })) }, { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
));
export type OrgPost = Static<typeof OrgPost>;

/** The bounds the API and the CLI share (src/domain/org-change.ts checks them for both). */
export const MAX_MEMBER_LIMIT = 1_000_000;
export const MAX_DESCRIPTION = 32767;

/**
 * Upstream's instanceOrgPatch, less what Gatehouse does not manage (refused, not ignored),
 * plus Gatehouse's invite lifetime and mail language. null clears: no member limit, the
 * server's invite lifetime and language; an empty description is none.
 */
export const OrgPatch = named('OrgPatch', Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    description: Type.Optional(Type.String({ maxLength: MAX_DESCRIPTION })),
    limits: Type.Optional(
      Type.Object({ member: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: MAX_MEMBER_LIMIT }), Type.Null()])) }, { additionalProperties: false }),
    ),
    inviteTtlMs: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 3650 * 86_400_000, description: 'How long new invites live, in ms (at most ten years); null: the server default' }), Type.Null()])),
    locale: Type.Optional(Type.Union([StringEnum(LOCALES), Type.Null()], { description: 'The language of its mail and pages; null: the server default' })),
  },
  { additionalProperties: false },
));
export type OrgPatch = Static<typeof OrgPatch>;
