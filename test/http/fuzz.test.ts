/**
 * Property-based tests (fast-check) over every route, the public ones included: random and
 * malformed path ids, query strings, headers and bodies never produce a 5xx, every error is a
 * JSON `{ type, message, code }` (with `field` on a validation error, whose message is in plain
 * words), and a 4xx (or any GET) leaves every table as it was. The number of requests sent is
 * written to test-results/figures/fuzz-<store>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyCase, headers, openDigest, pathSegment, queryString, rawBody, renderBody, withId } from '../helpers/fuzz.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { createInvite, createJoinLink, joinCode, ROUTES } from '../helpers/routes.js';
import { ERROR_CODES, type ErrorCode } from '../../src/contract/errors.js';
import { OPERATIONS } from '../../src/contract/operations.js';

const STORE = process.env.GATEHOUSE_TEST_STORE ?? 'sqlite';
/**
 * Runs per property and the seed: `npm test` sets a fixed seed and a few runs, `npm run
 * test:stress` many runs and a fresh seed, which it prints (FUZZ_SEED=<seed> replays it).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

type Ids = Record<string, string>;
interface Target {
  name: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Makes what a successful call needs and returns the ids `path` fills in. */
  prepare(h: Harness): Promise<Ids>;
  path(ids: Ids): string;
  body?: () => unknown;
  /** Whether the route takes an API token (the public invite-link routes do not). */
  authenticated: boolean;
  /** The token that may call it (the org side's is all.Organization); the instance's all.Instance by default. */
  token?: (h: Harness) => string;
}

/** The invite behind the public routes' link: replaced whenever one is used up. */
let link = { token: '', email: '' };
const newLink = async (h: Harness) => {
  link = await h.inviteLink((await createInvite(h)).email);
  return { token: encodeURIComponent(link.token), email: encodeURIComponent(link.email) };
};

/** The join link behind the public join routes. */
let code = '';
const newJoinLink = async (h: Harness) => {
  code = joinCode(await createJoinLink(h));
  return { code };
};

const TARGETS: Target[] = [
  ...ROUTES.map((r) => ({ name: r.action, method: r.method, prepare: r.prepare, path: r.path, body: r.body, authenticated: true, token: r.token })),
  { name: 'me.token', method: 'GET', prepare: async () => ({}), path: () => OPERATIONS['me.token'].path, authenticated: true },
  { name: 'orgInvites.get', method: 'GET', prepare: newLink, path: (i) => `/invites?token=${i.token}&email=${i.email}`, authenticated: false },
  {
    name: 'orgInvites.post',
    method: 'POST',
    prepare: async (h) => (await newLink(h), {}),
    path: () => '/invites',
    body: () => ({ email: link.email, token: link.token, accept: true }),
    authenticated: false,
  },
  { name: 'joinLinks.get', method: 'GET', prepare: newJoinLink, path: (i) => `/join?code=${i.code}`, authenticated: false },
  // The same address each time: asking again sends a new confirmation, which is a success that writes.
  { name: 'joinLinks.post', method: 'POST', prepare: async (h) => (await newJoinLink(h), {}), path: () => '/join', body: () => ({ code, email: 'fuzz-joiner@example.com' }), authenticated: false },
];

let h: Harness;
let digest: Awaited<ReturnType<typeof openDigest>>;
let baseline: Record<string, string> = {};
const ids = new Map<Target, Ids>();
let cases = 0;
const byRoute: Record<string, number> = {};
const started = Date.now();
const prototypes = [Object.prototype, Array.prototype, Function.prototype, String.prototype];
const prototypeKeys = () => prototypes.map((p) => Reflect.ownKeys(p).map(String).sort().join());
const keysBefore = prototypeKeys();

beforeAll(async () => {
  h = await startHarness();
  digest = await openDigest(h.config.database);
  for (const t of TARGETS) ids.set(t, await t.prepare(h));
  await h.gh.worker.drain();
  baseline = await digest.digest();
});

afterAll(async () => {
  mkdirSync('test-results/figures', { recursive: true });
  const record = { store: STORE, cases, runsPerProperty: RUNS, seed: SEED ?? null, seconds: (Date.now() - started) / 1000, byRoute };
  writeFileSync(`test-results/figures/fuzz-${STORE}.json`, `${JSON.stringify(record, null, 2)}\n`);
  await digest?.close();
  await h?.close();
});

interface Sent {
  method: string;
  url: string;
  body?: string;
  headers?: Record<string, string>;
}

/**
 * Sends one generated request and checks what every answer must be: no 5xx, errors as
 * `{ type, message, code, field? }`, and no stored data changed unless the route answered a change (2xx/3xx
 * to anything but GET).
 */
async function send(t: Target, req: Sent) {
  cases++;
  byRoute[t.name] = (byRoute[t.name] ?? 0) + 1;
  const res = await h.request({ ...req, method: req.method as InjectOptions['method'], token: t.authenticated ? (t.token?.(h) ?? h.tokens.admin) : undefined });
  const wrote = res.status < 400 && req.method !== 'GET';
  if (wrote) {
    // Deliver the mail the change queued, and make a fresh resource if this one was used up.
    if (t.method === 'DELETE' || t.name === 'orgInvites.post' || t.name === 'me.respondToInvite') ids.set(t, await t.prepare(h));
    await h.gh.worker.drain();
  }
  const [before, after] = [baseline, await digest.digest()];
  baseline = after;

  const problems: string[] = [];
  if (res.status >= 500) problems.push(`answered ${res.status}`);
  const { type, message, code, field, ...rest } = (res.body ?? {}) as Record<string, unknown>;
  const known = ERROR_CODES[code as ErrorCode] as { type: string } | undefined;
  // `field` only on a request that does not fit the schema, naming the field at fault.
  const fieldOk = field === undefined || (code === 'invalid_request' && typeof field === 'string' && field.length > 0);
  if (res.status >= 400 && (typeof type !== 'string' || typeof message !== 'string' || known?.type !== type || !fieldOk || Object.keys(rest).length)) {
    problems.push(`error body is not { type, message, code, field? } with a known code of that type: ${JSON.stringify(res.body).slice(0, 300)}`);
  }
  // Validation messages are plain words: no JSON pointer, no Ajv wording.
  if (code === 'invalid_request' && typeof message === 'string' && /\b(?:body|querystring|params)\/|must NOT|must be equal|must match/.test(message)) {
    problems.push(`validation message in Ajv's words: ${message.slice(0, 300)}`);
  }
  const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
  if (!wrote && changed.length) problems.push(`${res.status} changed stored data: ${changed.join(', ')}`);
  const label = [req.method, req.url.slice(0, 400), JSON.stringify(req.headers ?? {}).slice(0, 400), req.body?.slice(0, 400)].join(' ');
  expect(problems, label).toEqual([]);
}

/** The route in the OpenAPI document: its query parameters and body schema. */
function operation(t: Target) {
  const doc = h.gh.app.swagger() as any;
  const template = t.path(Object.fromEntries(Object.keys(ids.get(t)!).map((k) => [k, `{${k}}`]))).split('?')[0];
  const op = doc.paths?.[template]?.[t.method.toLowerCase()] ?? {};
  const resolve = (s: any): any => (s?.$ref ? resolve(doc.components.schemas[s.$ref.split('/').pop()]) : s);
  const query = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'query');
  return { query, body: op.requestBody?.content?.['application/json']?.schema, resolve };
}

const validBody = (t: Target) => (t.body ? JSON.stringify(t.body()) : undefined);
const withQuery = (url: string, query: string) => (query ? `${url}${url.includes('?') ? '&' : '?'}${query}` : url);
let properties = 0;
const run = (property: fc.IAsyncProperty<any>) => {
  properties++;
  return fc.assert(property, { numRuns: RUNS, ...(SEED === undefined ? {} : { seed: SEED }) });
};

/** /me/token, POST /invites and POST /join have no id in their path. */
const hasPathIds = (t: Target) => !['me.token', 'orgInvites.post', 'joinLinks.post'].includes(t.name);
/** Query strings, headers and bodies for every route, path ids for those that have them. */
const PROPERTIES = TARGETS.length * 3 + TARGETS.filter(hasPathIds).length;

describe.each(TARGETS.map((t) => [`${t.method} ${t.name}`, t] as const))('%s', (_, t) => {
  if (hasPathIds(t)) it('random and malformed path ids', async () => {
    const others = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT', 'OPTIONS'].filter((m) => m !== t.method);
    const segments = fc.record(Object.fromEntries(Object.keys(ids.get(t)!).map((k) => [k, fc.option(pathSegment, { nil: undefined })])));
    const method = fc.oneof({ weight: 4, arbitrary: fc.constant(t.method) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
    const suffix = fc.constantFrom('', '', '', '/', '//', '/x', '?', '#frag', '%2f', ';a=b', '/%00');
    await run(
      fc.asyncProperty(segments, method, suffix, async (changes, m, end) => {
        const path = Object.fromEntries(Object.entries(ids.get(t)!).map(([k, v]) => [k, changes[k] === undefined ? v : withId(changes[k], v)]));
        await send(t, { method: m, url: t.path(path) + end, body: validBody(t) });
      }),
    );
  });

  it('random query strings', async () => {
    await run(
      fc.asyncProperty(queryString(operation(t).query), async (query) => {
        await send(t, { method: t.method, url: withQuery(t.path(ids.get(t)!), query), body: validBody(t) });
      }),
    );
  });

  it('random headers', async () => {
    await run(
      fc.asyncProperty(headers(Object.values(h.tokens)), async (hdrs) => {
        await send(t, { method: t.method, url: t.path(ids.get(t)!), body: validBody(t), headers: hdrs });
      }),
    );
  });

  it('random bodies', async () => {
    const { body, resolve } = operation(t);
    const payload = fc.oneof({ weight: 4, arbitrary: bodyCase(body, resolve) }, { weight: 1, arbitrary: rawBody });
    await run(
      fc.asyncProperty(payload, async (p) => {
        const raw = typeof p === 'string' ? p : renderBody(p, t.body?.());
        await send(t, { method: t.method, url: t.path(ids.get(t)!), body: raw, headers: { 'content-type': 'application/json' } });
      }),
    );
  });
});

describe('the targets', () => {
  it('are every operation of the table but the health checks', () => {
    const operations = Object.keys(OPERATIONS).filter((id) => !id.startsWith('operations.'));
    expect(TARGETS.map((t) => t.name).sort()).toEqual(operations.sort());
  });
});

describe('after the run', () => {
  it('no prototype was polluted', () => {
    expect(prototypeKeys()).toEqual(keysBefore);
    const probe = {} as Record<string, unknown>;
    for (const key of ['polluted', 'admin', 'a', 'x', 'role', 'isAdmin']) expect(probe[key], key).toBeUndefined();
    const inherited: string[] = [];
    for (const key in probe) inherited.push(key);
    expect(inherited).toEqual([]);
  });

  it(`ran ${RUNS} cases of every property`, () => {
    console.log(`fuzz (${STORE}): ${cases} requests in ${((Date.now() - started) / 1000).toFixed(1)} s, ${properties} properties × ${RUNS} runs, seed ${SEED ?? 'random'}`);
    expect(properties).toBe(PROPERTIES);
    expect(cases).toBeGreaterThanOrEqual(PROPERTIES * RUNS);
  });
});
