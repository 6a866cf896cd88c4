import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../src/contract/operations.js';
import { ACTION_SCOPES, isReadAction, KNOWN_SCOPES, USER_SCOPES } from '../../src/contract/scopes.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { call, ROUTES } from '../helpers/routes.js';

/**
 * The shared security cases, run for every authenticated route from the one route table:
 * token presence and validity, every scope of the scope table, instance binding, read-only
 * scopes, and the rights of user tokens.
 */
let h: Harness;
let adminUserId: string;
beforeAll(async () => {
  h = await startHarness();
  adminUserId = (await h.gh.store.getUserByEmail('instance-admin@example.com'))!.id;
});
afterAll(() => h.close());

describe.each(ROUTES)('$method $action', (route) => {
  const isWrite = !isReadAction(route.action);
  const orgSide = route.side === 'org';
  const userSide = route.side === 'user';
  const instanceSide = route.side === 'instance';

  it('answers 401 without a token, with an unknown, a revoked or an expired token', async () => {
    for (const token of [null, 'gh_not-a-real-token', h.tokens.revoked, h.tokens.expired]) {
      const res = await call(h, route, token);
      expect(res.status, `token ${token === null ? 'absent' : 'invalid'}`).toBe(401);
      expect(res.body.type).toBe('Unauthorized');
    }
  });

  it('answers 401 for a malformed Authorization header', async () => {
    const ids = await route.prepare(h);
    for (const authorization of ['Basic abc', 'Bearer', `Token ${h.tokens.admin}`]) {
      const res = await h.request({ method: route.method, url: route.path(ids), headers: { authorization }, body: route.body?.() });
      expect(res.status).toBe(401);
    }
  });

  it.each([...KNOWN_SCOPES])('scope %s is allowed exactly when the scope table lists it', async (scope) => {
    // The user side answers only tokens that act for a user: every token tried there has one.
    const token = await h.token([scope], USER_SCOPES.has(scope) || userSide ? { userId: adminUserId } : {});
    const res = await call(h, route, token);
    const allowed = (ACTION_SCOPES[route.action] as readonly string[]).includes(scope);
    if (allowed) {
      expect(res.status, JSON.stringify(res.body)).toBe(route.success);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(403);
      expect(res.body.type).toBe('Forbidden');
    }
  });

  if (orgSide) {
    it("answers another instance's token as for an unknown org (404), telling nothing of the org", async () => {
      const foreignInstance = (await h.gh.store.getOrg(h.foreignOrgId))!.instanceId;
      const res = await call(h, route, await h.token(['all.Organization'], { instanceId: foreignInstance }));
      expect(res.body).toEqual({ type: 'NotFound', message: 'Organization was not found', code: 'not_found' });
    });
  } else it('answers 403 to a token of another instance, as for a missing scope', async () => {
    const res = await call(h, route, h.tokens.otherInstance);
    expect(res.status).toBe(403);
    expect(res.body.message).not.toMatch(/not found|exist/i);
  });

  if (instanceSide) it('answers 403 when the path names another instance, even one that does not exist', async () => {
    const ids = await route.prepare(h);
    const res = await h.request({
      method: route.method,
      url: route.path({ ...ids, instanceId: 'ffffffffffffffffffffffff' }),
      token: h.tokens.admin,
      body: route.body?.(),
    });
    expect(res.status).toBe(403);
  });

  it(isWrite ? 'refuses read-only scopes (403)' : 'allows read-only scopes', async () => {
    for (const token of userSide ? [h.tokens.userAdminRead] : [orgSide ? h.tokens.organizationRead : h.tokens.read, h.tokens.userAdminRead]) {
      const res = await call(h, route, token);
      expect(res.status).toBe(isWrite ? 403 : route.success);
    }
  });

  it('an org-bound token reaches its own org only, and nothing instance-wide', async () => {
    const ids = await route.prepare(h);
    const ofOneOrg = OPERATIONS[route.action].path.includes('{orgId}');
    const scopes = [orgSide ? 'all.Organization' : 'all.Instance'];
    const bound = await h.token(scopes, { orgId: ofOneOrg ? ids.orgId : h.orgId });
    const own = await h.request({ method: route.method, url: route.path(ids), token: bound, body: route.body?.() });
    expect(own.status, JSON.stringify(own.body)).toBe(ofOneOrg ? route.success : 403);
    if (ofOneOrg) {
      // Bound to another org of the same instance: refused as a missing scope would be.
      const elsewhere = await h.token(scopes, { orgId: ids.orgId === h.otherOrgId ? h.orgId : h.otherOrgId });
      const other = await call(h, route, elsewhere);
      expect(other.status).toBe(403);
      expect(other.body.message).not.toMatch(/not found|exist/i);
    }
  });

  // The user side's answers depend on whose invite it is, not on a role: test/http/user-side.test.ts.
  if (!userSide) it("user tokens act with the user's instance role", async () => {
    expect((await call(h, route, h.tokens.userAdmin)).status).toBe(route.success);
    expect((await call(h, route, h.tokens.userView)).status).toBe(isWrite ? 403 : route.success);
    // A user who is not a member of the instance gets nothing, even to read.
    expect((await call(h, route, h.tokens.outsider)).status).toBe(403);
  });

  if (!userSide) it('a user token loses write access when its user is demoted to view', async () => {
    const user = await h.gh.admin.createUser({ email: `demoted-${route.action}@example.com` });
    await h.gh.admin.addInstanceMember(h.instanceId, user.id, 'admin');
    const token = await h.token(['all.User'], { userId: user.id });
    expect((await call(h, route, token)).status).toBe(route.success);
    await h.gh.admin.addInstanceMember(h.instanceId, user.id, 'view');
    expect((await call(h, route, token)).status).toBe(isWrite ? 403 : route.success);
  });

  it('answers 400 for a malformed id in any path position, before looking anything up', async () => {
    const ids = await route.prepare(h);
    for (const key of Object.keys(ids).filter((k) => k !== 'instanceId')) {
      for (const bad of ['123', 'zzzzzzzzzzzzzzzzzzzzzzzz', `${ids[key]}0`]) {
        const res = await h.request({ method: route.method, url: route.path({ ...ids, [key]: bad }), token: route.token(h), body: route.body?.() });
        expect(res.status, `${key}=${bad}`).toBe(400);
        expect(res.body.type).toBe('Validation');
      }
    }
  });

  // Only the routes under an org (the org list and create are under the instance alone).
  if (route.path({ instanceId: 'I', orgId: 'O' }).includes('/orgs/O')) {
    it('answers 404 for an org that is not in the instance', async () => {
      for (const orgId of ['aaaaaaaaaaaaaaaaaaaaaaaa', h.foreignOrgId]) {
        const ids = await route.prepare(h);
        const res = await h.request({ method: route.method, url: route.path({ ...ids, orgId }), token: route.token(h), body: route.body?.() });
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ type: 'NotFound', message: 'Organization was not found', code: 'not_found' });
      }
    });
  }

  it('accepts upper-case hex ids and the query and headers every Losant client sends', async () => {
    const ids = await route.prepare(h);
    const upper = Object.fromEntries(Object.entries(ids).map(([k, v]) => [k, v.toUpperCase()]));
    const res = await h.request({
      method: route.method,
      url: `${route.path(upper)}${route.path(upper).includes('?') ? '&' : '?'}_actions=false&_links=true&_embedded=true`,
      token: route.token(h),
      body: route.body?.(),
      headers: { 'accept-version': '^1.20.1', losantdomain: 'example.com', accept: 'application/json' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(route.success);
  });
});

describe('secrets stay secret', () => {
  it('API tokens never appear in logs or error answers', async () => {
    const bad = 'gh_secret-looking-token-value';
    const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites`, token: bad });
    expect(JSON.stringify(res.body)).not.toContain(bad);
    await call(h, ROUTES[0], h.tokens.admin);
    for (const token of [bad, ...Object.values(h.tokens)]) expect(h.logs()).not.toContain(token);
    // The log is not empty: requests are being logged, just without secrets.
    expect(h.logs()).toContain('/invites');
  });
});
