/**
 * For test/http/fuzz.test.ts: fast-check arbitraries of hostile HTTP input (path ids, query
 * strings, headers, JSON bodies), driven by the OpenAPI document's schemas so that many inputs
 * get past validation, mixed with junk: wrong types, huge strings, deep nesting, unicode, NUL,
 * CR/LF, lone surrogates, prototype-pollution keys. And a cheap digest of every table.
 */
import { createHash } from 'node:crypto';
import { validateHeaderName, validateHeaderValue } from 'node:http';
import fc from 'fast-check';
import pg from 'pg';
import { openDatabase } from '../../src/store/sqlite-native.js';
import { isPostgresUrl } from '../../src/store/database-url.js';

type Schema = Record<string, any>;
export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', 'valueOf'];

/** Characters that break naive code: NUL, CR/LF (header and mail injection), lone surrogates, bidi and escape controls. */
const nastyChar = fc.constantFrom('\u0000', '\u0000', '\r\n', '\n', '\r', '\t', '\u001b', '\u0085', '\u2028', '\ud800', '\udfff', '\uffff', '\u202e', '\ufeff');
/** Strings that break naive code: markup, SQL, globs, escapes, templates. */
const nastyText = fc.constantFrom(
  'a@example.com\r\nBcc: b@example.com', 'x\ud83dy', '<script>alert(1)</script>', "' or 1=1 --", '%', '_', '\\', '*', '?', '[a-z]', '%00',
  '..%2f', '${x}', '{{x}}', ' ', '',
);
export const text = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.tuple(fc.string({ unit: 'grapheme', maxLength: 10 }), nastyChar, fc.string({ unit: 'grapheme', maxLength: 10 })).map((p) => p.join('')) },
  { weight: 2, arbitrary: nastyText },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 100_000 }).map((n) => 'é'.repeat(n)) },
);
const noSurrogates = (s: string) => s.replace(/[\ud800-\udfff]/g, 'x');

const hexChar = fc.constantFrom(...'0123456789abcdefABCDEF');
const hexId = (min = 24, max = 24) => fc.string({ unit: hexChar, minLength: min, maxLength: max });

/**
 * A path segment: the real id changed (`$id` stands for it, `$ID` for it upper-cased, `$short`
 * for it less its last character), a random id, or junk, raw or encoded.
 */
export const pathSegment = fc.oneof(
  fc.constantFrom('$ID', '$short', '$id0', '$id%00', '$id/..', '$id%2f..', '%20$id', '$id;x', '$id.json'),
  hexId(),
  hexId(0, 60),
  fc.constantFrom('%00', '..%2f', '..', '.', '%2e%2e', '%', '%zz', '%E0%A4%A', '%ff', '%c0%ae', '__proto__', 'constructor', 'null', '0', '-1'),
  text.map((s) => encodeURIComponent(noSurrogates(s))),
  fc.integer({ min: 100, max: 5000 }).map((n) => 'a'.repeat(n)),
);
export const withId = (segment: string, id: string) =>
  segment.replaceAll('$ID', id.toUpperCase()).replaceAll('$short', id.slice(0, -1)).replaceAll('$id', id);

/** Date-times, mostly at the edges of what the `date-time` format allows (leap seconds, lower-case `t`, offsets). */
const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
const dateTime = fc
  .tuple(
    fc.constantFrom('2016-12-31', '2024-02-29', '0000-01-01', '9999-12-31', '1970-01-01', '2023-02-29'),
    fc.constantFrom('T', 't', ' '),
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('23:59:60', '00:00:00', '23:59:59.999999999', '24:00:00') },
      { weight: 1, arbitrary: fc.tuple(two(23), two(59), two(60)).map((t) => t.join(':')) },
    ),
    fc.constantFrom('Z', 'z', '+00:00', '-23:59', '+01:00', ''),
  )
  .map((p) => p.join(''));

/** A string of a schema's length, often a nasty one. */
const stringOf = (schema: Schema) => {
  const [min, max] = [schema.minLength ?? 0, Math.min(schema.maxLength ?? 300, 300)];
  return fc.oneof(fc.string({ unit: 'binary', minLength: min, maxLength: max }), text.filter((v) => v.length >= min && v.length <= max));
};

/** A value of a JSON schema (as the OpenAPI document writes it; `$ref`s resolved by `resolve`). */
export function fromSchema(schema: Schema, resolve: (s: Schema) => Schema): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (s.anyOf ?? s.oneOf) return fc.oneof(...(s.anyOf ?? s.oneOf).map((x: Schema) => fromSchema(x, resolve)));
  if ('const' in s) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'object':
      return fc.record(Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, fromSchema(v as Schema, resolve)])), { requiredKeys: s.required ?? [] });
    case 'array':
      return fc.array(fromSchema(s.items, resolve), { maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'integer':
      return fc.oneof(fc.integer({ min: s.minimum, max: s.maximum }), fc.constantFrom(s.minimum ?? 0, s.maximum ?? -1));
    case 'boolean':
      return fc.boolean();
    case 'number':
      return fc.double({ noNaN: true });
  }
  if (s.format === 'email') return fc.oneof(fc.emailAddress(), fc.constantFrom('Mixed.Case@Example.COM', 'x@example.com'));
  if (s.format === 'date-time') return dateTime;
  return s.pattern ? hexId() : stringOf(s);
}

const genericValue = fc.oneof(
  fc.constantFrom('email', 'role', 'name', 'id', 'inviteDate', '', 'asc', 'DESC', 'Asc', '*', '*@example.com', '%', '_', '\\', 'view', 'x'.repeat(257)),
  fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-1, 0, 1000, 1001, 1_000_001, 1e21, Number.MAX_SAFE_INTEGER)).map(String),
  fc.constantFrom('1e3', '0x10', '1.5', ' 1', 'NaN', 'Infinity', 'true', 'null', '[]', '{}'),
  dateTime,
  hexId(),
  text,
);
const QUERY_KEYS = ['sortField', 'sortDirection', 'filterField', 'filter', 'page', 'perPage', 'orgId', 'since', 'until', 'token', 'email', '_actions', '_links', '_embedded'];
const junkPair = fc.tuple(
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...QUERY_KEYS) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTION_KEYS, '__proto__[admin]', 'a[b]', 'a[]', 'constructor.prototype.x', '') },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  ),
  genericValue,
);
const encode = ([k, v]: [string, string], raw: boolean) =>
  raw ? `${k}=${v.replace(/[#\s\ud800-\udfff]/g, '')}` : `${encodeURIComponent(k)}=${encodeURIComponent(noSurrogates(v))}`;

/**
 * A query string for a route with these (OpenAPI) query parameters: either each parameter at
 * most once with a value of its schema (so that the handler runs) and perhaps one junk pair, or
 * a mess of known, unknown and repeated keys, values encoded or sent raw (malformed escapes too).
 */
export const queryString = (params: { name: string; schema: Schema }[]) => {
  const valid = fc.record<Record<string, string>>(Object.fromEntries(params.map((p) => [p.name, fromSchema(p.schema, (s) => s).map(String)])), {
    requiredKeys: [],
  });
  const wellFormed = fc
    .tuple(valid, fc.option(junkPair, { nil: undefined }))
    .map(([values, junk]) => [...(Object.entries(values) as [string, string][]), ...(junk ? [junk] : [])].map((p) => encode(p, false)).join('&'));
  const messy = fc.array(fc.tuple(junkPair, fc.boolean()), { maxLength: 8 }).map((pairs) => pairs.map(([p, raw]) => encode(p, raw)).join('&'));
  return fc.oneof(wellFormed, messy);
};

const headerSafe = (name: string, value: string) => {
  try {
    validateHeaderName(name);
    validateHeaderValue(name, value);
    return true;
  } catch {
    return false;
  }
};
const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'application/json; charset=latin1', 'APPLICATION/JSON',
  'application/json;;', 'application/json, text/plain', 'application/jsonx', 'application/vnd.api+json', 'text/json', 'text/plain',
  'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '*/*', '', ';', 'application/json; boundary="\\"',
];
/** Headers Node can send: random names and values, and those Gatehouse or Losant clients care about. */
export const headers = (tokens: string[]) =>
  fc
    .tuple(
      fc.dictionary(fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,24}$/), fc.string({ unit: 'binary-ascii', maxLength: 64 }), { maxKeys: 4 }),
      fc.record(
        {
          'content-type': fc.constantFrom(...CONTENT_TYPES),
          'accept-version': fc.oneof(fc.constantFrom('^1.0.0', '1.19.0', '*', 'x'), fc.string({ maxLength: 20 })),
          losantdomain: fc.oneof(fc.constantFrom('example.com', 'a.b.c', ''), fc.string({ maxLength: 40 })),
          accept: fc.constantFrom('application/json', 'text/html', '*/*', 'image/png', ''),
          authorization: fc.oneof(
            fc.constantFrom(...tokens).map((t) => `Bearer ${t}`),
            fc.constantFrom(...tokens).map((t) => `bearer  ${t} `),
            fc.constantFrom('Bearer', 'Bearer ', 'Basic YTpi', '', 'Bearer null', `Bearer ${'a'.repeat(10_000)}`),
            fc.string({ unit: 'binary-ascii', maxLength: 80 }).map((s) => `Bearer ${s}`),
          ),
          'content-length': fc.constantFrom('0', '1', '-1', 'abc', '99999999', '1e3'),
          'content-encoding': fc.constantFrom('gzip', 'br', 'identity', 'x'),
          'x-forwarded-for': fc.constantFrom('1.2.3.4', '::1, 10.0.0.1', 'junk', ''),
          host: fc.constantFrom('gatehouse.test', 'evil.test:99999', '[::1]', '', 'a b'),
        },
        { requiredKeys: [] },
      ),
    )
    .map(([random, known]) => Object.fromEntries(Object.entries({ ...random, ...known }).filter(([k, v]) => headerSafe(k, v))));

const junk: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text, fc.constantFrom(null, true, 0, -1, 1e308, [], {}, [null], { $gt: '' }, 'x'.repeat(1025)));
const EXTRA_KEYS = ['email', 'role', 'userId', 'name', 'token', 'accept', 'applicationRoles', 'limits', 'id', 'instanceId', 'orgId', 'status', 'admin'];

/** How a body is spoiled: not at all (a valid body), or one field set to junk, dropped, nested deep, padded, or a pollution key. */
export interface BodyCase {
  /** A body of the route's schema, or null for the route's own valid body (made at run time). */
  base: unknown;
  spoil: 'none' | 'set' | 'drop' | 'pollute' | 'deep' | 'pad';
  pick: number;
  value: unknown;
  size: number;
}
export const bodyCase = (schema: Schema | undefined, resolve: (s: Schema) => Schema): fc.Arbitrary<BodyCase> =>
  fc.record({
    base: schema ? fc.option(fromSchema(schema, resolve), { nil: null }) : fc.constant(null),
    spoil: fc.constantFrom('none', 'none', 'none', 'set', 'set', 'drop', 'pollute', 'deep', 'pad'),
    pick: fc.nat(),
    value: junk,
    size: fc.oneof(fc.integer({ min: 2, max: 600 }), fc.integer({ min: 1000, max: 100_000 })),
  });

/** The JSON text of a body case: deep nesting and huge strings are written raw. */
export function renderBody(c: BodyCase, routeBody: unknown): string {
  const base = c.base ?? routeBody ?? {};
  if (typeof base !== 'object' || base === null || Array.isArray(base)) return JSON.stringify(base);
  const body: Record<string, unknown> = { ...base };
  const own = Object.keys(body);
  const keys = c.spoil === 'set' ? [...own, ...EXTRA_KEYS] : own.length ? own : ['x'];
  const key = keys[c.pick % keys.length];
  if (c.spoil === 'set') body[key] = c.value;
  if (c.spoil === 'drop') delete body[key];
  if (c.spoil === 'pollute') Object.defineProperty(body, POLLUTION_KEYS[c.pick % POLLUTION_KEYS.length], { value: c.value, enumerable: true });
  if (c.spoil === 'pad') body[key] = 'x'.repeat(c.size);
  if (c.spoil !== 'deep') return JSON.stringify(body);
  body[key] = 'DEEP-SENTINEL';
  const n = Math.min(c.size, 600);
  const deep = c.pick % 2 ? '['.repeat(n) + ']'.repeat(n) : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  return JSON.stringify(body).replace('"DEEP-SENTINEL"', deep);
}

/** Whatever else a body can be: any JSON, truncated JSON, not JSON at all. */
export const rawBody = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'),
  fc.jsonValue().map((v) => (JSON.stringify(v) ?? 'null').slice(0, -1)),
  fc.string({ unit: 'binary', maxLength: 100 }),
  fc.constantFrom('', ' ', '{', '[]', 'null', '{"a":1e999999}', '{"a":1,"a":2}', '\ufeff{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}'),
);

/**
 * A digest of every row of every table (count and hash per table), through one connection of
 * its own kept open: cheap enough to take after each of thousands of requests.
 */
export async function openDigest(location: string): Promise<{ digest(): Promise<Record<string, string>>; close(): Promise<void> }> {
  if (isPostgresUrl(location)) {
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    const { rows } = await client.query(`select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by 1`);
    const query = rows
      .map(({ t }) => `select '${t}' as t, count(*) || ':' || md5(coalesce(string_agg(x::text, E'\\n' order by x::text), '')) as d from "${t}" x`)
      .join(' union all ');
    // Every change to a table writes WAL: while the WAL position stands still, nothing changed
    // (as SQLite's data_version below), and the full digest, which grows with the tables, is skipped.
    let last: { lsn: string; digest: Record<string, string> } | null = null;
    const digest = async () => {
      const lsn = String((await client.query('select pg_current_wal_lsn() as lsn')).rows[0].lsn);
      if (last && last.lsn === lsn) return last.digest;
      const fresh = Object.fromEntries((await client.query(query)).rows.map((r) => [r.t, r.d]));
      last = { lsn, digest: fresh };
      return fresh;
    };
    return { digest, close: () => client.end() };
  }
  const reader = openDatabase(location, { readonly: true });
  const tables = reader.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1`).all() as { name: string }[];
  const statements = tables.map(({ name }) => [name, reader.prepare(`select * from "${name}"`)] as const);
  const hash = (rows: unknown[]) => `${rows.length}:${createHash('md5').update(rows.map((r) => JSON.stringify(r)).sort().join('\n')).digest('hex')}`;
  // SQLite's data_version changes when another connection commits: until it does, nothing changed.
  let last: { version: unknown; digest: Record<string, string> } | null = null;
  const digest = async () => {
    const version = reader.pragma('data_version', { simple: true });
    if (last && last.version === version) return last.digest;
    const fresh = Object.fromEntries(statements.map(([name, s]) => [name, hash(s.all())]));
    last = { version, digest: fresh };
    return fresh;
  };
  return { digest, close: async () => void reader.close() };
}
