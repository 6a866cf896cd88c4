import { PATH_IDS } from '../../src/contract/operations.js';
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_ID, ID_PATTERN } from '../../src/contract/canonical.js';
import { ERROR_STATUS } from '../../src/contract/errors.js';
import { ACTION_SCOPES } from '../../src/contract/scopes.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { call, createInvite, freshEmail, ROUTES } from '../helpers/routes.js';

/** Every path id as its OpenAPI placeholder, so that a route's path reads as the document's key. */
const PLACEHOLDERS = Object.fromEntries(Object.keys(PATH_IDS).map((name) => [name, `{${name}}`]));

/**
 * The OpenAPI document at /openapi.json against the routes the server really has, the scope
 * table, upstream's request table and real answers; and the reference page at /docs.
 */

type Doc = Record<string, any>;
type Operation = Record<string, any>;

interface UpstreamAction {
  method: string;
  summary?: string;
  description?: string;
  responses: Record<string, unknown>;
}
const API_INFO: Record<string, { path: string; actions: Record<string, UpstreamAction> }> =
  JSON.parse(readFileSync(new URL('../fixtures/losant-schemas/apiInfo.invites-members.json', import.meta.url), 'utf8'));

/** Routes that are not API operations: the document itself, its reference page, the web pages with their assets and the logos they show. */
const isNotOperation = (path: string) =>
  path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/') || ['/', '/accept', '/admin'].includes(path) || path.startsWith('/assets/') || path === '/join/:code' || path === '/branding/:ownerId/logo';
/** Fastify's `/a/:id` is OpenAPI's `/a/{id}`. */
const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');
const ERROR_REF = { $ref: '#/components/schemas/Error' };

let h: Harness;
let doc: Doc;
let operations: { method: string; path: string; op: Operation }[];
const operation = (method: string, path: string): Operation | undefined => doc.paths[path]?.[method.toLowerCase()];

/** Every route Fastify has, as `[method, path]`, read from its route tree. */
function fastifyRoutes(): [string, string][] {
  const routes: [string, string][] = [];
  const parents: string[] = [];
  for (const line of h.gh.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = line.match(/^((?:[│ ] {3})*)[├└]── (\S+) \(([A-Z, ]+)\)$/);
    if (!m) {
      expect(line.trim(), 'a route tree line that is not understood').toBe('');
      continue;
    }
    const depth = m[1].length / 4;
    const path = (parents[depth - 1] ?? '') + m[2];
    parents[depth] = path;
    for (const method of m[3].split(', ')) routes.push([method, path]);
  }
  return routes;
}

/** A validator for a schema of the document (its references resolved in the document). */
let ajv: Ajv2020;
const validatorFor = (pointer: string) => ajv.compile({ $ref: `openapi.json#${pointer}` });
const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
const responsePointer = (method: string, path: string, status: number | string) =>
  `/paths/${escape(path)}/${method.toLowerCase()}/responses/${status}/content/${escape('application/json')}/schema`;

beforeAll(async () => {
  h = await startHarness();
  const res = await h.request({ method: 'GET', url: '/openapi.json' });
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  doc = res.body;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(doc, 'openapi.json');
  operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
});
afterAll(() => h.close());

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never, { resolve: { external: false } })).resolves.toBeTruthy();
  });

  it('is plain JSON, the same document the app generates', () => {
    const generated = h.gh.app.swagger();
    expect(JSON.parse(JSON.stringify(generated))).toStrictEqual(generated);
    expect(generated).toEqual(doc);
  });

  it('every schema in it compiles as JSON Schema 2020-12', () => {
    for (const name of Object.keys(doc.components.schemas)) expect(() => validatorFor(`/components/schemas/${name}`), name).not.toThrow();
    for (const { method, path, op } of operations) {
      for (const status of Object.keys(op.responses)) {
        if (op.responses[status].content) expect(() => validatorFor(responsePointer(method, path, status)), `${method} ${path} ${status}`).not.toThrow();
      }
    }
  });

  it('describes every route the server has, and only those', () => {
    const routes = fastifyRoutes().filter(([method]) => method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(10);
    const api = routes.filter(([, path]) => !isNotOperation(path));
    for (const [method, path] of api) {
      expect(h.gh.app.hasRoute({ method: method as 'GET', url: path }), `${method} ${path} read from the route tree`).toBe(true);
      expect(operation(method, openApiPath(path)), `${method} ${path} is documented`).toBeDefined();
    }
    expect(operations.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(api.map(([m, p]) => `${m} ${openApiPath(p)}`).sort());
    // The document's own routes are served but not described.
    expect(routes.some(([, path]) => path === '/openapi.json')).toBe(true);
    expect(routes.some(([, path]) => path === '/docs')).toBe(true);
    expect(Object.keys(doc.paths).filter(isNotOperation)).toEqual([]);
  });

  it('gives every operation a unique operationId, a summary and one declared tag', () => {
    const tags = new Set(doc.tags.map((t: { name: string }) => t.name));
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { method, path, op } of operations) {
      expect(op.operationId, `${method} ${path}`).toMatch(/^[A-Za-z]+\.[A-Za-z]+$/);
      expect(op.summary, op.operationId).toBeTruthy();
      expect(op.tags, op.operationId).toEqual([op.operationId.split('.')[0]]);
      expect(tags.has(op.tags[0]), op.tags[0]).toBe(true);
    }
    expect(operation('GET', '/healthz')!.tags).toEqual(['operations']);
    expect(operation('GET', '/readyz')!.tags).toEqual(['operations']);
  });

  it('has a bearer security scheme', () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it.each(ROUTES)('$method $action: operationId, bearer security and exactly the scopes of the scope table', (route) => {
    const path = route.path(PLACEHOLDERS).split('?')[0];
    const op = operation(route.method, path)!;
    expect(op).toBeDefined();
    expect(op.operationId).toBe(route.action);
    expect(op.security).toEqual([{ bearerAuth: [] }]);
    expect(op['x-scopes']).toEqual(ACTION_SCOPES[route.action]);
    for (const scope of ACTION_SCOPES[route.action]) expect(op.description).toContain(`\`${scope}\``);
    // A 400 wherever there is input to refuse (GET /me/invites takes none).
    const takesInput = Boolean(op.requestBody) || (op.parameters ?? []).some((p: { in: string }) => p.in !== 'header');
    for (const status of [...(takesInput ? ['400'] : []), '401', '403', '429']) expect(Object.keys(op.responses)).toContain(status);
    expect(Object.keys(op.responses).includes('400')).toBe(takesInput);
    expect(op.responses['429'].headers['Retry-After']).toBeDefined();
    // The audit trail, event feed, webhook list and mail problems of the token's own instance, and its user's invitations, always exist: they have nothing to miss.
    const nothingToMiss = ['instanceAuditLogs.get', 'instanceEvents.get', 'instanceWebhooks.get', 'instanceWebhooks.post', 'instanceMail.get', 'me.invites'];
    expect(Object.keys(op.responses).includes('404')).toBe(!nothingToMiss.includes(route.action));
  });

  it('every operation with a security requirement is an action of the scope table or me.token (any scope); the others have none', () => {
    const actions = new Set([...Object.keys(ACTION_SCOPES), 'me.token']);
    for (const { op } of operations) {
      expect(actions.has(op.operationId) === Boolean(op.security), op.operationId).toBe(true);
      if (!(op.operationId in ACTION_SCOPES)) expect(op['x-scopes'], op.operationId).toBeUndefined();
    }
    expect(operation('GET', '/me/token')!.security).toEqual([{ bearerAuth: [] }]);
    expect(operation('GET', '/invites')!.security).toBeUndefined();
    expect(operation('POST', '/invites')!.security).toBeUndefined();
  });

  it("names upstream's operations as the Losant clients call them, with upstream's summaries and error codes", () => {
    for (const [resource, info] of Object.entries(API_INFO)) {
      for (const [action, upstream] of Object.entries(info.actions)) {
        const op = operation(upstream.method, info.path);
        expect(op, `${resource}.${action}`).toBeDefined();
        expect(op!.operationId).toBe(`${resource}.${action}`);
        expect(op!.summary).toBe(upstream.summary ?? upstream.description);
        for (const status of Object.keys(upstream.responses)) expect(Object.keys(op!.responses), `${resource}.${action}`).toContain(status);
      }
    }
  });

  it('documents every error answer with the error schema and an example of it', () => {
    const validate = validatorFor('/components/schemas/Error');
    const statusByType = new Map(Object.entries(ERROR_STATUS));
    for (const { method, path, op } of operations) {
      const errors = Object.keys(op.responses).filter((s) => Number(s) >= 400);
      if (path !== '/healthz') expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
      if (op.parameters || op.requestBody) expect(errors, `${method} ${path}`).toContain('400');
      if (op.requestBody) expect(errors, `${method} ${path}`).toEqual(expect.arrayContaining(['413', '415']));
      for (const status of errors) {
        expect(op.responses[status].description, `${method} ${path} ${status}`).toBeTruthy();
        const media = op.responses[status].content['application/json'];
        expect(media.schema, `${method} ${path} ${status}`).toEqual(ERROR_REF);
        expect(validate(media.example), `${method} ${path} ${status}`).toBe(true);
        expect(statusByType.get(media.example.type), `${method} ${path} ${status}`).toBe(Number(status));
      }
    }
  });

  it('shows ids as the API answers them: every id has a lower-case example, and no id in the document has an upper-case letter', () => {
    const missing: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => walk(item, `${where}/${i}`));
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, any>;
      // A parameter carries its example itself (@fastify/swagger moves it out of the schema).
      if (n.in && n.schema?.pattern === ID_PATTERN) {
        if (n.example === undefined) missing.push(where);
        return;
      }
      if (n.pattern === ID_PATTERN && !(n.examples?.length > 0)) missing.push(where);
      for (const [key, value] of Object.entries(n)) walk(value, `${where}/${key}`);
    };
    walk(doc, '#');
    expect(missing, 'ids without an example (Swagger UI would make one up from the pattern, in mixed case)').toEqual([]);
    const ids = [...JSON.stringify(doc).matchAll(/\b[0-9a-fA-F]{24}\b/g)].map((m) => m[0]);
    expect(ids.length).toBeGreaterThan(10);
    expect(ids.filter((id) => id !== id.toLowerCase())).toEqual([]);
    expect(new Set(ids)).toEqual(new Set([EXAMPLE_ID]));
  });

  it('documents the Idempotency-Key header, and its 409 and 422, on every write and on no read', () => {
    for (const { method, path, op } of operations) {
      const header = (op.parameters ?? []).find((p: { in: string; name: string }) => p.in === 'header' && p.name === 'Idempotency-Key');
      if (method === 'GET') {
        expect(header, `${method} ${path}`).toBeUndefined();
        continue;
      }
      expect(header, `${method} ${path}`).toMatchObject({ required: false, schema: { type: 'string', maxLength: 255 } });
      expect(op.responses[409].description, `${method} ${path}`).toMatch(/idempotency_key_in_flight/);
      expect(op.responses[422].content['application/json'].example, `${method} ${path}`).toMatchObject({ type: 'UnprocessableEntity', code: 'idempotency_key_reused' });
    }
  });

  it('describes every parameter', () => {
    for (const { method, path, op } of operations) {
      for (const param of op.parameters ?? []) expect(param.description, `${method} ${path} ${param.name}`).toBeTruthy();
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect((op.parameters ?? []).filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name).sort()).toEqual(inPath.sort());
    }
  });

  it.each(ROUTES)('$method $action: a real success answer fits the documented schema', async (route) => {
    const path = route.path(PLACEHOLDERS).split('?')[0];
    expect(operation(route.method, path)!.responses[route.success]).toBeDefined();
    const validate = validatorFor(responsePointer(route.method, path, route.success));
    const res = await call(h, route, route.token(h));
    expect(res.status).toBe(route.success);
    expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true);
  });

  it('real answers of the public routes and real errors fit the documented schemas', async () => {
    const email = freshEmail();
    await createInvite(h, email);
    const link = await h.inviteLink(email);
    const info = await h.request({ method: 'GET', url: `/invites?token=${link.token}&email=${encodeURIComponent(email)}` });
    expect(info.status).toBe(200);
    expect(validatorFor(responsePointer('GET', '/invites', 200))(info.body)).toBe(true);
    const accepted = await h.request({ method: 'POST', url: '/invites', body: { email, token: link.token, accept: true } });
    expect(accepted.status).toBe(200);
    expect(validatorFor(responsePointer('POST', '/invites', 200))(accepted.body)).toBe(true);
    const gone = await h.request({ method: 'GET', url: `/invites?token=${link.token}&email=${encodeURIComponent(email)}` });
    expect(gone.status).toBe(404);
    expect(validatorFor(responsePointer('GET', '/invites', 404))(gone.body)).toBe(true);
    const ready = await h.request({ method: 'GET', url: '/readyz' });
    expect(validatorFor(responsePointer('GET', '/readyz', 200))(ready.body)).toBe(true);
  });
});

describe('GET /docs', () => {
  it('answers an HTML page that renders the document, with nothing fetched from elsewhere', async () => {
    const page = await h.request({ method: 'GET', url: '/docs' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    const scripts = [...String(page.body).matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toContain('/docs/static/swagger-initializer.js');
    expect(String(page.body)).not.toMatch(/(?:src|href)="(?:https?:)?\/\//);

    // The page loads the document from ./json, which is /openapi.json.
    const initializer = await h.request({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    expect(initializer.status).toBe(200);
    expect(String(initializer.body)).toContain("resolveUrl('./json')");
    // No badge from the online validator (validator.swagger.io) either.
    expect(String(initializer.body)).toContain('validatorUrl: null');
    // Under Gatehouse's name: Swagger UI's top bar (whose logo the policy refuses, and which the
    // plugin fills with Fastify's) gives way to Gatehouse's (test/web/docs.test.ts shows it).
    expect(String(page.body)).toContain('<title>Gatehouse API</title>');
    expect(String(initializer.body)).toContain('"layout":"BaseLayout"');
    expect(scripts).toContain('/docs/static/theme/gatehouse.js');
    const json = await h.request({ method: 'GET', url: '/docs/json' });
    expect(json.body).toEqual(doc);

    for (const src of scripts) {
      const asset = await h.request({ method: 'GET', url: src });
      expect(asset.status, src).toBe(200);
      expect(asset.headers['content-type'], src).toMatch(/javascript/);
    }
  });

  it("serves the UI's files from the package, revalidated rather than never stored", async () => {
    const res = await h.request({ method: 'GET', url: '/docs/static/swagger-ui.css' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers.etag).toBeTruthy();
    const again = await h.request({ method: 'GET', url: '/docs/static/swagger-ui.css', headers: { 'if-none-match': String(res.headers.etag) } });
    expect(again.status).toBe(304);
    expect(again.headers['cache-control']).toBe('no-cache');
    // The page and the document are not cached.
    expect((await h.request({ method: 'GET', url: '/docs' })).headers['cache-control']).toBe('no-store');
    expect((await h.request({ method: 'GET', url: '/openapi.json' })).headers['cache-control']).toBe('no-store');
  });

  it('answers a JSON 404 for a file it does not have', async () => {
    const res = await h.request({ method: 'GET', url: '/docs/static/nope.js' });
    expect(res).toMatchObject({ status: 404, body: { type: 'NotFound' } });
  });
});
