import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERN } from './canonical.js';
import { ERROR_CODES, type ErrorCode } from './errors.js';

export const Id = Type.String({ pattern: ID_PATTERN });

export const ROLES = ['admin', 'edit', 'collaborate', 'view', 'none'] as const;
export const Role = Type.Union(ROLES.map((r) => Type.Literal(r)));
export type Role = Static<typeof Role>;

const RESOURCE_ROLES = ['collaborate', 'view', 'none'] as const;
export const ResourceRole = Type.Object(
  {
    resourceId: Id,
    role: Type.Union(RESOURCE_ROLES.map((r) => Type.Literal(r))),
  },
  { additionalProperties: false },
);
export type ResourceRole = Static<typeof ResourceRole>;
/** Up to 100 overrides, one per resource (`x-unique-by`: a second role for one resource is refused). */
export const ResourceRoles = Type.Array(ResourceRole, { maxItems: 100, 'x-unique-by': 'resourceId' });

export const Email = Type.String({ format: 'email', maxLength: 1024 });

/** Every error answer: upstream's `{type, message}` (an open schema) and Gatehouse's stable `code`. */
export const ErrorBody = Type.Object({
  type: Type.String(),
  message: Type.String(),
  code: Type.Unsafe<ErrorCode>({
    type: 'string',
    enum: Object.keys(ERROR_CODES),
    description: `A stable reason to branch on (messages may change):\n${Object.entries(ERROR_CODES)
      .map(([code, { type, description }]) => `- \`${code}\` (${type}): ${description}`)
      .join('\n')}`,
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;

export const Success = Type.Object({ success: Type.Literal(true) });

/** Upstream collections echo sortDirection in any of these spellings. */
export const sortDirection = (options = {}) =>
  Type.Union([Type.Literal('asc'), Type.Literal('desc'), Type.Literal('ASC'), Type.Literal('DESC')], options);

/** Longest glob accepted in `filter`: long enough for any email, short enough to bound matching cost. */
export const MAX_FILTER_LENGTH = 256;
export const MAX_PER_PAGE = 1000;

interface ListDefaults<F extends string> {
  sortField: F;
  sortDirection: 'asc' | 'desc';
}

/**
 * Query parameters shared by every list. Unknown parameters (the `_actions`, `_links` and
 * `_embedded` every Losant client sends) are accepted and ignored.
 */
export function listQuery<F extends string>(sortFields: readonly F[], defaults: ListDefaults<F>) {
  return Type.Object({
    sortField: Type.Optional(Type.Union(sortFields.map((f) => Type.Literal(f)), { default: defaults.sortField })),
    sortDirection: Type.Optional(sortDirection({ default: defaults.sortDirection })),
    filterField: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('role'), Type.Literal('')])),
    filter: Type.Optional(Type.String({ maxLength: MAX_FILTER_LENGTH })),
    page: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE })),
  });
}

/**
 * Present (true) on a paged list when more items match than were counted: counting stops at
 * COUNT_CAP or just past the page asked for, so `totalCount` is then a lower bound.
 */
export const COUNT_CAP = 10_000;
export const TotalCountCapped = () =>
  Type.Literal(true, {
    description: `Present when more items match than were counted (counting stops at ${COUNT_CAP}, or just past the page asked for): totalCount is then a lower bound`,
  });

/** Fields every collection answer carries besides its items. */
export const collectionFields = {
  instanceId: Id,
  orgId: Id,
  count: Type.Integer(),
  totalCount: Type.Integer(),
  totalCountCapped: Type.Optional(TotalCountCapped()),
  sortField: Type.String(),
  sortDirection: Type.String(),
  filterField: Type.Optional(Type.String()),
  filter: Type.Optional(Type.String()),
  page: Type.Optional(Type.Integer()),
  perPage: Type.Optional(Type.Integer()),
};

export const OrgPath = Type.Object({ instanceId: Id, orgId: Id });
