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

export const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema);
