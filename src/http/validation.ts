import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const make = (coerceTypes: boolean) => {
  // Unknown body fields are refused (additionalProperties: false), never silently dropped.
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, coerceTypes, allErrors: false, strict: false });
  addFormats.default(ajv);
  return ajv;
};

// Query strings and paths carry text, so numbers are coerced there; bodies are JSON and keep
// their types: `"accept": "true"` is a mistyped field, not a yes.
const textAjv = make(true);
const bodyAjv = make(false);

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
export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  const validate = (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
  const check = (data: unknown): boolean => {
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
