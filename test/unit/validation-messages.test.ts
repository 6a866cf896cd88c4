/**
 * The words for schema shapes the API's own schemas do not (yet) use, through the validator the
 * routes get: TypeBox's union of literals (anyOf of const), with null, nested in a union of
 * objects, and the fallbacks. test/http/validation-messages.test.ts covers the API's schemas.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { describeValidation } from '../../src/http/validation-messages.js';
import { validatorCompiler } from '../../src/http/validation.js';

/** What the API would answer for `data` against `schema` (undefined when it fits). */
function answer(schema: TSchema, data: unknown, httpPart = 'body') {
  const validate = validatorCompiler({ schema, httpPart, url: '/', method: 'POST' }) as ((data: unknown) => boolean) & { errors: ErrorObject[] | null };
  return validate(data) ? undefined : describeValidation(validate.errors!, httpPart);
}

const Kind = Type.Union([Type.Literal('daily'), Type.Literal('weekly'), Type.Literal('never')]);

describe('validation messages', () => {
  it.each([
    ['a union of literals', Type.Object({ kind: Kind }), { kind: 'hourly' }, { message: 'kind must be one of daily, weekly, never', field: 'kind' }],
    ['a union of literals given a number', Type.Object({ kind: Kind }), { kind: 3 }, { message: 'kind must be one of daily, weekly, never', field: 'kind' }],
    ['a union of literals and null', Type.Object({ kind: Type.Union([Kind, Type.Null()]) }), { kind: 'hourly' }, { message: 'kind must be one of daily, weekly, never, or null', field: 'kind' }],
    ['a literal alone', Type.Object({ accept: Type.Literal(true) }), { accept: false }, { message: 'accept must be true', field: 'accept' }],
    ['an integer with a lower bound only', Type.Object({ n: Type.Integer({ minimum: 5 }) }), { n: 'x' }, { message: 'n must be a whole number of 5 or more', field: 'n' }],
    ['a number', Type.Object({ ratio: Type.Number({ maximum: 1 }) }), { ratio: 2 }, { message: 'ratio must be a number of at most 1', field: 'ratio' }],
    ['a list too long', Type.Object({ tags: Type.Array(Type.String(), { maxItems: 2 }) }), { tags: ['a', 'b', 'c'] }, { message: 'tags must have at most 2 items', field: 'tags' }],
    ['a string too short', Type.Object({ code: Type.String({ minLength: 4 }) }), { code: 'abc' }, { message: 'code must be at least 4 characters long', field: 'code' }],
    ['a pattern of unknown meaning', Type.Object({ code: Type.String({ pattern: '^x+$' }) }), { code: 'y' }, { message: 'code is not in the expected form', field: 'code' }],
    ['an unknown field with an empty name', Type.Object({}, { additionalProperties: false }), { '': 1 }, { message: 'Unknown field ""', field: '""' }],
    ['an unknown field with a long name', Type.Object({}, { additionalProperties: false }), { ['x'.repeat(100)]: 1 }, { message: `Unknown field "${'x'.repeat(64)}…"`, field: `${'x'.repeat(64)}…` }],
    [
      'a union of literals inside a union of objects',
      Type.Union([Type.Object({ every: Kind }, { additionalProperties: false }), Type.Object({ at: Type.String({ format: 'date-time' }) }, { additionalProperties: false })]),
      { every: 'hourly' },
      { message: 'every must be one of daily, weekly, never', field: 'every' },
    ],
    [
      'three shapes mixed',
      Type.Union([Type.Object({ a: Type.String() }, { additionalProperties: false }), Type.Object({ b: Type.String() }, { additionalProperties: false }), Type.Object({ c: Type.String() }, { additionalProperties: false })]),
      { a: 'x', b: 'y' },
      { message: 'Give a or b, not both', field: 'a' },
    ],
  ] as const)('%s', (_what, schema, data, expected) => {
    expect(answer(schema as TSchema, data)).toEqual(expected);
  });

  it('names a query parameter, and says "Query" for the whole of it', () => {
    const query = Type.Object({ page: Type.Integer({ minimum: 0, maximum: 9 }) });
    expect(answer(query, { page: '1.5' }, 'querystring')).toEqual({ message: 'page must be a whole number from 0 to 9', field: 'page' });
    expect(answer(query, {}, 'querystring')).toEqual({ message: 'page is required', field: 'page' });
    expect(describeValidation([{ keyword: 'type', instancePath: '', schemaPath: '', params: { type: 'object' }, parentSchema: { type: 'object' } }], 'querystring')).toEqual({
      message: 'Query must be a JSON object',
    });
  });

  it('falls back to the keyword’s own message for one it has no words of its own for', () => {
    expect(describeValidation([{ keyword: 'x-custom', instancePath: '/a/0', schemaPath: '', params: {}, message: 'must be custom' }], 'body')).toEqual({ message: 'a[0] must be custom', field: 'a[0]' });
    expect(describeValidation([], 'body')).toEqual({ message: 'Body is not valid' });
  });
});
