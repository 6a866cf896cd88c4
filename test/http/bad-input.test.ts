import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { createInvite, ROUTES } from '../helpers/routes.js';
import { OPERATIONS } from '../../src/contract/operations.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  await createInvite(h, 'existing@example.com');
});
afterAll(() => h.close());

const snapshot = () => h.snapshot();
/** The route's entry in the OpenAPI document. */
const operationDoc = (route: (typeof ROUTES)[number]) => (h.gh.app.swagger() as any).paths[OPERATIONS[route.action].path][route.method.toLowerCase()];

const bodyRoutes = ROUTES.filter((r) => r.body);
const override = (i: number) => ({ resourceId: i.toString(16).padStart(24, '0'), role: 'view' });

const BAD_BODIES: [string, string | object][] = [
  ['invalid JSON', '{"email": "x@example.com",'],
  ['a JSON array', '[]'],
  ['a JSON string', '"hello"'],
  ['null', 'null'],
  ['an unknown field', { email: 'u@example.com', role: 'view', userId: 'abcdefabcdefabcdefabcdef', extra: true }],
  ['a prototype-pollution key', '{"__proto__": {"admin": true}, "email": "p@example.com", "role": "view"}'],
  ['a constructor key', '{"constructor": {"prototype": {"admin": true}}, "role": "view"}'],
  ['a bad role', { email: 'r@example.com', role: 'owner' }],
  ['a mistyped role', { email: 'r@example.com', role: 1 }],
  ['a mistyped boolean', { email: 'r@example.com', role: 'view', disallowTransfer: 'yes' }],
  ['a bad email', { email: 'not an email', role: 'view' }],
  ['an email with CR/LF', { email: 'a@example.com\r\nBcc: b@example.com', role: 'view' }],
  ['101 application role overrides', { email: 'o@example.com', role: 'view', applicationRoles: Array.from({ length: 101 }, (_, i) => override(i)) }],
  ['an override with a bad id', { email: 'o@example.com', role: 'view', applicationRoles: [{ resourceId: 'x', role: 'view' }] }],
  ['an override with a role outside collaborate|view|none', { email: 'o@example.com', role: 'view', dashboardRoles: [{ resourceId: 'a'.repeat(24), role: 'admin' }] }],
  ['deep nesting', '{"role":' + '['.repeat(5000) + ']'.repeat(5000) + '}'],
  ['a NUL byte in a string', { email: 'nul\u0000@example.com', role: 'view' }],
];

describe.each(bodyRoutes)('$method $action refuses bad bodies with 400 and changes nothing', (route) => {
  it.each(BAD_BODIES)('%s', async (_, body) => {
    const ids = await route.prepare(h);
    const before = await snapshot();
    const res = await h.request({ method: route.method, url: route.path(ids), token: h.tokens.admin, body });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    // A field is named when one is at fault (not for JSON that does not parse, or a body that is not an object).
    const { field, ...error } = res.body;
    expect(error).toEqual({ type: 'Validation', message: expect.any(String), code: 'invalid_request' });
    expect(field === undefined || typeof field === 'string').toBe(true);
    expect(await snapshot()).toBe(before);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const ids = await route.prepare(h);
    const before = await snapshot();
    const res = await h.request({ method: route.method, url: route.path(ids), token: h.tokens.admin, headers: { 'content-type': 'text/plain' }, body: 'role=view' });
    expect(res.status).toBe(415);
    expect(res.body.type).toBe('UnsupportedMediaType');
    expect(await snapshot()).toBe(before);
  });

  it('refuses an oversized body with 413, past the limit its OpenAPI entry states', async () => {
    const ids = await route.prepare(h);
    const before = await snapshot();
    const limit = Number(/larger than (\d+) KiB/.exec(operationDoc(route).responses['413'].description)![1]) * 1024;
    const res = await h.request({ method: route.method, url: route.path(ids), token: h.tokens.admin, body: { role: 'view', pad: 'x'.repeat(limit) } });
    expect(res.status).toBe(413);
    expect(res.body.type).toBe('PayloadTooLarge');
    expect(await snapshot()).toBe(before);
  });

  it('refuses a missing body with 400', async () => {
    const ids = await route.prepare(h);
    const res = await h.request({ method: route.method, url: route.path(ids), token: h.tokens.admin });
    expect(res.status).toBe(400);
  });
});

describe('the public accept endpoint', () => {
  it.each([
    ['no accept', { email: 'a@example.com', token: 't' }],
    ['accept as a string', { email: 'a@example.com', token: 't', accept: 'true' }],
    ['an empty token', { email: 'a@example.com', token: '', accept: true }],
    ['a huge token', { email: 'a@example.com', token: 'x'.repeat(10_000), accept: true }],
    ['an extra field', { email: 'a@example.com', token: 't', accept: true, role: 'admin' }],
  ])('refuses %s with 400', async (_, body) => {
    const before = await snapshot();
    const res = await h.request({ method: 'POST', url: '/invites', body });
    expect(res.status).toBe(400);
    expect(await snapshot()).toBe(before);
  });
});

describe('anything else', () => {
  it('unknown routes answer a JSON 404', async () => {
    const res = await h.request({ method: 'GET', url: '/nope?token=secret-value' });
    expect(res).toMatchObject({ status: 404, body: { type: 'NotFound', message: 'No route for GET /nope' } });
  });

  it('every answer carries the safety headers', async () => {
    const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites`, token: h.tokens.admin });
    expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
  });

  it('a DELETE with a JSON content type and no body works (as losant-rest sends it)', async () => {
    const { id } = await createInvite(h);
    const res = await h.request({
      method: 'DELETE',
      url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites/${id}`,
      token: h.tokens.admin,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(200);
  });

  // PostgreSQL text cannot hold U+0000: refused up front on both stores, before any write.
  const filtered = ['instanceOrgs.get', 'instanceOrgInvites.get', 'instanceOrgInvites.post', 'instanceOrgMembers.get'];
  it.each(ROUTES.filter((r) => filtered.includes(r.action)))('$method $action refuses a NUL in a filter with 400 and changes nothing', async (route) => {
    const ids = await route.prepare(h);
    const before = await snapshot();
    const res = await h.request({ method: route.method, url: `${route.path(ids)}?filter=a%00`, token: h.tokens.admin, body: route.body?.() });
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect(res.body).toEqual({ type: 'Validation', message: 'filter must not contain the NUL character', code: 'invalid_request', field: 'filter' });
    expect(await snapshot()).toBe(before);
  });

  it.each(['name', 'description', 'iconColor'])('refuses a NUL in an organization %s with 400', async (field) => {
    const before = await snapshot();
    const res = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs`, token: h.tokens.admin, body: { name: 'Org', [field]: 'a\u0000b' } });
    expect(res).toMatchObject({ status: 400, body: { type: 'Validation', message: `${field} must not contain the NUL character`, field } });
    expect(await snapshot()).toBe(before);
  });

  it('no input produces a 5xx', async () => {
    const junk = ['', '{', '}', '{}', '[1,2', '"\\u0000"', '{"a":1e999999}', '\u00ff\u00fe', 'null', 'true', '{"email":{"$gt":""}}'];
    for (const route of ROUTES) {
      const ids = await route.prepare(h);
      for (const payload of junk) {
        const res = await h.request({ method: route.method, url: route.path(ids), token: h.tokens.admin, headers: { 'content-type': 'application/json' }, body: payload });
        expect(res.status, `${route.action} ${payload}`).toBeLessThan(500);
      }
    }
  });
});
