import { type SchemaOptions, type Static, type StringOptions, type TSchema, Type } from '@sinclair/typebox';
import { EMAIL_MAX_LENGTH, EXAMPLE_ID, ID_PATTERN, ROLES } from './canonical.js';
import { ERROR_CODES, type ErrorCode } from './errors.js';

/** An id (with a description, say, for a query parameter); documented with a lower-case example. */
export const idString = (options: StringOptions = {}) => Type.String({ pattern: ID_PATTERN, examples: [EXAMPLE_ID], ...options });
export const Id = idString();

/**
 * A string that is one of `values`, typed as their union: one `enum` keyword, which reads
 * better, and generates better clients, than TypeBox's union of literals.
 */
export const StringEnum = <const T extends string>(values: readonly T[], options: SchemaOptions = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

const NAMED = new Map<string, TSchema>();

/**
 * Names a schema: it gets the `$id`, is written once in the OpenAPI components under that
 * name, and is given to the validators and serializers, so that `ref()` may refer to it.
 */
export function named<T extends TSchema>(id: string, schema: T): T {
  if (NAMED.has(id)) throw new Error(`Two schemas are named ${id}`);
  const withId = { ...schema, $id: id };
  NAMED.set(id, withId);
  return withId;
}

/** A reference to a named schema, typed as the schema. */
export function ref<T extends TSchema>(schema: T) {
  if (!schema.$id || NAMED.get(schema.$id) !== schema) throw new Error('ref() needs a schema made by named()');
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id));
}

/** Every named schema. */
export const namedSchemas = (): TSchema[] => [...NAMED.values()];

export { ROLES };
const RoleSchema = named('Role', StringEnum(ROLES));
export const Role = ref(RoleSchema);
export type Role = Static<typeof Role>;

export const RESOURCE_ROLES = ['collaborate', 'view', 'none'] as const;
export const ResourceRole = named(
  'ResourceRole',
  Type.Object(
  {
    resourceId: Id,
    role: StringEnum(RESOURCE_ROLES),
  },
  { additionalProperties: false },
  ),
);
export type ResourceRole = Static<typeof ResourceRole>;
/** Up to 100 overrides, one per resource (`x-unique-by`: a second role for one resource is refused). */
export const ResourceRoles = Type.Array(ref(ResourceRole), { maxItems: 100, 'x-unique-by': 'resourceId' });

export const Email = Type.String({ format: 'email', maxLength: EMAIL_MAX_LENGTH });

/**
 * Every error answer: upstream's `{type, message}` (an open schema, so that its clients take the
 * additions), Gatehouse's stable `code`, and for a request that does not fit the schema the `field`.
 */
export const ErrorBody = named(
  'Error',
  Type.Object({
    type: Type.String(),
    message: Type.String({ description: 'For people, in plain words; may change (branch on `code`)' }),
    code: Type.Unsafe<ErrorCode>({
      type: 'string',
      enum: Object.keys(ERROR_CODES),
      description: `A stable reason to branch on (messages may change):\n${Object.entries(ERROR_CODES)
        .map(([code, { type, description }]) => `- \`${code}\` (${type}): ${description}`)
        .join('\n')}`,
    }),
    field: Type.Optional(
      Type.String({
        description:
          'On `invalid_request` for a request that does not fit the schema, or a value refused by a rule: the field the message is about, as written in the ' +
          'request (`role`, `allowedDomains[0]`, `limits.member`, a query parameter such as `perPage`, a path id such as `orgId`)',
      }),
    ),
  }),
);
export type ErrorBody = Static<typeof ErrorBody>;

export const Success = named('Success', Type.Object({ success: Type.Literal(true) }));

/** Upstream collections echo sortDirection in any of these spellings. */
export const sortDirection = (options: SchemaOptions = {}) => StringEnum(['asc', 'desc', 'ASC', 'DESC'], options);

/** Longest glob accepted in `filter`: long enough for any email, short enough to bound matching cost. */
export const MAX_FILTER_LENGTH = 256;
export const MAX_PER_PAGE = 1000;

interface ListDefaults<F extends string> {
  sortField: F;
  sortDirection: 'asc' | 'desc';
}

/** What the list parameters mean (upstream's words). */
export const LIST_DOCS = {
  sortField: 'Field to sort the results by',
  sortDirection: 'Direction to sort the results by',
  filterField: 'Field to filter the results by. Blank or not provided means no filtering.',
  filter:
    'Filter to apply against the filtered field: a case-insensitive glob over the whole field (`*` any run of characters, ' +
    '`?` one character, everything else literal). Blank or not provided means no filtering.',
  page: 'Page of results to return, from 0',
  perPage: 'Number of results per page',
};

/**
 * Query parameters shared by every list. Unknown parameters (the `_actions`, `_links` and
 * `_embedded` every Losant client sends) are accepted and ignored.
 */
export function listQuery<F extends string>(sortFields: readonly F[], defaults: ListDefaults<F>) {
  return Type.Object({
    sortField: Type.Optional(StringEnum(sortFields, { default: defaults.sortField, description: LIST_DOCS.sortField })),
    sortDirection: Type.Optional(sortDirection({ default: defaults.sortDirection, description: LIST_DOCS.sortDirection })),
    filterField: Type.Optional(StringEnum(['email', 'role', ''], { description: LIST_DOCS.filterField })),
    filter: Type.Optional(Type.String({ maxLength: MAX_FILTER_LENGTH, description: LIST_DOCS.filter })),
    page: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1_000_000, description: `${LIST_DOCS.page} (Gatehouse addition; without \`page\` and \`perPage\` the whole list is answered)` }),
    ),
    perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PER_PAGE, description: `${LIST_DOCS.perPage} (Gatehouse addition)` })),
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
