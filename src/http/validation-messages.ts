import type { ErrorObject } from 'ajv';
import { PATTERN_MEANINGS } from '../contract/canonical.js';
import { namedSchemas } from '../contract/common.js';

/**
 * Ajv's errors in the words of the person who sent the request: `role must be one of admin,
 * edit, collaborate, view, none`, not `body/role must be equal to one of the allowed values`.
 * The field is named as it is written in the request (`allowedDomains[0]`, `limits.member`)
 * and also returned on its own, for a page to put the message next to its input. Only the
 * failure that stopped validation is described (Ajv runs with allErrors off).
 */

type Schema = Record<string, any>;

export interface FieldError {
  message: string;
  /** The field the message is about; absent when it is about the whole body. */
  field?: string;
}

/** A failed keyword, and for a failed union the failure of each of its branches. */
interface Failure {
  error: ErrorObject;
  branches: Failure[];
}

/** What the whole of a request part is called, when no field is at fault. */
const PARTS: Record<string, string> = { body: 'Body', querystring: 'Query', params: 'Path', headers: 'Headers' };

const FORMATS: Record<string, string> = {
  email: 'an email address',
  'date-time': 'a date and time like 2030-01-31T09:00:00Z',
  uri: 'a URL',
};

/** A field name is the client's own text: a long one is shortened rather than echoed whole. */
const clip = (name: string) => (name.length > 64 ? `${name.slice(0, 64)}…` : name);

const segments = (pointer: string) => (pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')));

/**
 * `['allowedDomains', '0']` is `allowedDomains[0]`, `['limits', 'member']` is `limits.member`;
 * a property with an empty name (a client's mistake) is `""`. No path: the whole part.
 */
function fieldName(path: string[]): string | undefined {
  if (path.length === 0) return undefined;
  return path.map((s) => s || '""').reduce((name, s) => (/^\d+$/.test(s) ? `${name}[${s}]` : `${name}.${s}`));
}

let named: Map<string, Schema> | undefined;
/** A schema, or the named schema it refers to (TypeBox's `Type.Ref`). */
function resolve(schema: Schema): Schema {
  named ??= new Map(namedSchemas().map((s) => [s.$id!, s as Schema]));
  return typeof schema?.$ref === 'string' ? (named.get(schema.$ref) ?? schema) : (schema ?? {});
}

const isNull = (schema: Schema) => schema.type === 'null';

/** The strings a schema allows when it allows only strings it lists (an enum, a literal, a union of them). */
function literals(schema: Schema): string[] | undefined {
  if (typeof schema.const === 'string') return [schema.const];
  if (Array.isArray(schema.enum) && schema.enum.every((v: unknown) => typeof v === 'string')) return schema.enum;
  const branches: (string[] | undefined)[] = Array.isArray(schema.anyOf) ? schema.anyOf.map((s: Schema) => literals(resolve(s))) : [];
  return branches.length > 0 && branches.every(Boolean) ? branches.flat() as string[] : undefined;
}

function oneOf(values: unknown[]): string {
  const shown = values.filter((v) => v !== '').map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  const empty = values.includes('');
  if (shown.length === 1) return empty ? `${shown[0]} or empty` : shown[0];
  return `one of ${shown.join(', ')}${empty ? ' (or empty)' : ''}`;
}

/** A number as its schema bounds it; `violated` names the bound that was broken, if one was. */
function numberPhrase(schema: Schema, violated?: string): string {
  const kind = schema.type === 'integer' ? 'a whole number' : 'a number';
  const low = schema.minimum !== undefined ? `${schema.minimum} or more` : schema.exclusiveMinimum !== undefined ? `more than ${schema.exclusiveMinimum}` : undefined;
  const high = schema.maximum !== undefined ? `at most ${schema.maximum}` : schema.exclusiveMaximum !== undefined ? `less than ${schema.exclusiveMaximum}` : undefined;
  if (violated === 'minimum' || violated === 'exclusiveMinimum') return `${kind} of ${low}`;
  if (violated === 'maximum' || violated === 'exclusiveMaximum') return `${kind} of ${high}`;
  if (schema.minimum !== undefined && schema.maximum !== undefined) return `${kind} from ${schema.minimum} to ${schema.maximum}`;
  return low || high ? `${kind} of ${low ?? high}` : kind;
}

/** What a value of `schema` is, for a value of the wrong type. */
function expected(schema: Schema): string {
  if (literals(schema)) return oneOf(literals(schema)!);
  const types: string[] = [].concat(schema.type ?? []);
  return types
    .map((type) => {
      if (type === 'integer' || type === 'number') return numberPhrase(schema);
      if (type === 'string') return FORMATS[schema.format] ?? PATTERN_MEANINGS[schema.pattern] ?? 'text';
      if (type === 'boolean') return 'true or false';
      if (type === 'object') return 'a JSON object';
      if (type === 'array') return 'a list';
      return type;
    })
    .join(' or ');
}

/** What the value must be or do, after the field's name. */
function phrase(error: ErrorObject): string {
  const schema: Schema = error.parentSchema ?? {};
  const { limit } = error.params as { limit?: number };
  switch (error.keyword) {
    case 'type':
      return `must be ${expected(schema)}`;
    case 'enum':
      return `must be ${oneOf(error.params.allowedValues)}`;
    case 'const':
      return `must be ${oneOf([error.params.allowedValue])}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${numberPhrase(schema, error.keyword)}`;
    // A query number not written in decimal digits (validation.ts).
    case 'decimal':
      return `must be ${numberPhrase(schema)}`;
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters long`;
    case 'maxLength':
      return `must be at most ${limit} characters long`;
    case 'format':
      return `must be ${FORMATS[error.params.format] ?? `a valid ${error.params.format}`}`;
    case 'pattern':
      return PATTERN_MEANINGS[error.params.pattern] ? `must be ${PATTERN_MEANINGS[error.params.pattern]}` : 'is not in the expected form';
    case 'minItems':
      return limit === 1 ? 'must not be empty' : `must have at least ${limit} items`;
    case 'maxItems':
      return `must have at most ${limit} items`;
    case 'uniqueItems':
      return 'must not list the same value twice';
    // Gatehouse's own keywords (x-unique-by, the NUL check) say it plainly already.
    default:
      return error.message ?? 'is not valid';
  }
}

/**
 * With allErrors off, a failed union is listed after one failure per branch (each of which
 * may be a failed union itself): the tree is read back from the end of the list.
 */
function parse(errors: ErrorObject[], end: number): { failure: Failure; start: number } | undefined {
  const error = errors[end];
  if (!error) return undefined;
  const leaf = { failure: { error, branches: [] }, start: end };
  if (error.keyword !== 'anyOf' || !Array.isArray(error.schema)) return leaf;
  const branches: Failure[] = [];
  let next = end - 1;
  for (let n = error.schema.length; n > 0; n--) {
    const branch = parse(errors, next);
    // Not the expected shape: describe the union alone rather than guess.
    if (!branch) return leaf;
    branches.unshift(branch.failure);
    next = branch.start - 1;
  }
  return { failure: { error, branches }, start: next + 1 };
}

/** How far into the value a failure is: a missing or unknown property is one level below its object. */
const depth = ({ error }: Failure) => segments(error.instancePath).length + (error.keyword === 'required' || error.keyword === 'additionalProperties' ? 1 : 0);

function explain(failure: Failure, part: string): FieldError {
  const { error } = failure;
  const at = segments(error.instancePath);
  const said = (path: string[], text: string): FieldError => {
    const field = fieldName(path);
    return { message: `${field ?? PARTS[part] ?? part} ${text}`, ...(field === undefined ? {} : { field }) };
  };
  if (error.keyword === 'required') return said([...at, error.params.missingProperty], 'is required');
  if (error.keyword === 'additionalProperties') {
    const field = clip(fieldName([...at, error.params.additionalProperty])!);
    return { message: field === '""' ? 'Unknown field ""' : `Unknown field "${field}"`, field };
  }
  if (error.keyword === 'anyOf' && failure.branches.length > 0) return explainUnion(failure, part, said);
  return said(at, phrase(error));
}

/**
 * A value that fits no branch of a union. Literals are one list; `null` (which removes a
 * setting) is never what the message is about; of object shapes, the one the value is closest
 * to (most of its fields known) is described.
 */
function explainUnion(failure: Failure, part: string, said: (path: string[], text: string) => FieldError): FieldError {
  const { error } = failure;
  const at = segments(error.instancePath);
  const schemas = (error.schema as Schema[]).map(resolve);
  const nullable = schemas.some(isNull);
  if (schemas.every((s) => isNull(s) || literals(s))) {
    return said(at, `must be ${oneOf(schemas.flatMap((s) => literals(s) ?? []))}${nullable ? ', or null' : ''}`);
  }
  const shapes = failure.branches.map((branch, i) => ({ branch, schema: schemas[i] })).filter(({ schema }) => !isNull(schema));
  if (shapes.length === 1) {
    const inner = explain(shapes[0].branch, part);
    const wrongType = shapes[0].branch.error.keyword === 'type' && shapes[0].branch.error.instancePath === error.instancePath;
    return nullable && wrongType ? { ...inner, message: `${inner.message}, or null` } : inner;
  }
  const data = error.data;
  const keys = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
  const known = (schema: Schema) => keys.filter((key) => key in (schema.properties ?? {})).length;
  const best = Math.max(...shapes.map(({ schema }) => known(schema)));
  const closest = shapes.filter(({ schema }) => known(schema) === best);
  const leaves = closest.map(({ branch }) => branch.error);
  const here = leaves.every((e) => e.instancePath === error.instancePath);
  if (closest.length > 1 && here && leaves.every((e) => e.keyword === 'required')) {
    const names = [...new Set(leaves.map((e) => fieldName([...at, e.params.missingProperty])!))];
    return { message: `${names.join(' or ')} is required`, field: names[0] };
  }
  // Each shape refuses a field that another one takes: the request mixes two shapes.
  const declared = (name: string) => closest.findIndex(({ schema }) => name in (schema.properties ?? {}));
  if (closest.length > 1 && here && leaves.every((e) => e.keyword === 'additionalProperties' && declared(e.params.additionalProperty) >= 0)) {
    const names = [...new Set(leaves.map((e) => e.params.additionalProperty as string))].sort((a, b) => declared(a) - declared(b));
    const fields = names.map((name) => fieldName([...at, name])!);
    const message = fields.length === 2 ? `Give ${fields[0]} or ${fields[1]}, not both` : `Give only one of ${fields.join(', ')}`;
    return { message, field: fields[0] };
  }
  const deepest = closest.reduce((a, b) => (depth(b.branch) > depth(a.branch) ? b : a));
  return explain(deepest.branch, part);
}

/** The message and field of a request that failed validation of `part` (Fastify's `validationContext`). */
export function describeValidation(errors: ErrorObject[], part = 'body'): FieldError {
  const tree = parse(errors, errors.length - 1);
  if (!tree) return { message: `${PARTS[part] ?? part} is not valid` };
  return explain(tree.failure, part);
}
