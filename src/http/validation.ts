import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { canonicalId } from '../contract/canonical.js';
import { namedSchemas } from '../contract/common.js';
import { compileLazily } from './compile-lazily.js';

/** An array keyword (an OpenAPI extension): no two items share this field's value. */
const UNIQUE_BY = 'x-unique-by';

const make = (coerceTypes: boolean) => {
  // Unknown body fields are refused (additionalProperties: false), never silently dropped.
  // verbose: an error carries its schema (the bounds, the enum, a union's branches), from which
  // validation-messages.ts writes the message.
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes, allErrors: false, strict: false, verbose: true });
  addFormats.default(ajv);
  ajv.addKeyword({
    keyword: UNIQUE_BY,
    type: 'array',
    error: { message: ({ schema }) => `must not name the same ${schema} twice` },
    // Ids are matched case-insensitively, as paths are.
    validate: (field: string, items: Record<string, unknown>[]) => new Set(items.map((item) => canonicalId(String(item?.[field])))).size === items.length,
  });
  return ajv;
};

// Query strings and paths carry text, so numbers are coerced there; bodies are JSON and keep
// their types: `"accept": "true"` is a mistyped field, not a yes.
const textAjv = make(true);
const bodyAjv = make(false);

/**
 * Ajv coerces text with JavaScript's Number(), which also reads `0x10`, `1e3` and ` 16 `: a
 * query number is decimal digits only, so that one value has one spelling.
 */
const DECIMAL = /^-?\d{1,16}$/;
const numericFields = (schema: { properties?: Record<string, { type?: string }> }) =>
  Object.entries(schema.properties ?? {}).filter(([, s]) => s.type === 'integer' || s.type === 'number');

/** The JSON pointer of the first string holding U+0000 in `data`, or undefined. */
function nulAt(data: unknown, path = ''): string | undefined {
  if (typeof data === 'string') return data.includes('\u0000') ? path : undefined;
  if (data === null || typeof data !== 'object') return undefined;
  for (const [key, value] of Object.entries(data)) {
    const found = nulAt(value, `${path}/${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

// PostgreSQL text cannot hold U+0000 and no name, email or filter needs it: every request part
// is refused with it, on both stores alike, before any route runs.
const compileValidator: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  // The schemas that `ref()` refers to, known once the contract is loaded (before any route).
  for (const named of namedSchemas()) if (!ajv.getSchema(named.$id!)) ajv.addSchema(named);
  const validate = ajv.compile(schema);
  const numeric = httpPart === 'body' ? [] : numericFields(schema);
  const check = (data: unknown): boolean => {
    const loose = numeric.find(([field]) => typeof (data as Record<string, unknown>)?.[field] === 'string' && !DECIMAL.test((data as Record<string, string>)[field]));
    if (loose !== undefined) {
      const [field, parentSchema] = loose;
      check.errors = [{ instancePath: `/${field}`, schemaPath: '', keyword: 'decimal', params: {}, parentSchema, message: 'must be a whole number in decimal digits' }];
      return false;
    }
    if (!validate(data)) {
      check.errors = validate.errors;
      return false;
    }
    const at = nulAt(data);
    check.errors = at === undefined ? null : [{ instancePath: at, schemaPath: '', keyword: 'nul', params: {}, message: 'must not contain the NUL character' }];
    return at === undefined;
  };
  check.errors = null as typeof validate.errors;
  return check;
};

/** Every request part's validator, compiled when its route is first asked. */
export const validatorCompiler: FastifySchemaCompiler<any> = (route) => compileLazily(() => compileValidator(route));
