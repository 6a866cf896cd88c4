import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const tokensUrl = (instanceId = h.instanceId) => `/instances/${instanceId}/tokens`;
const create = (body: unknown, token = h.tokens.admin) => h.request({ method: 'POST', url: tokensUrl(), token, body });
const list = (token = h.tokens.admin) => h.request({ method: 'GET', url: `${tokensUrl()}?perPage=1000`, token });
const revoke = (id: string, token = h.tokens.admin) => h.request({ method: 'DELETE', url: `${tokensUrl()}/${id}`, token });
const mint = async (scope: string[], extra: { ttlMs?: number } = {}) => (await h.gh.admin.createToken({ instanceId: h.instanceId, scopes: scope, ...extra })).token;

describe('/instances/{instanceId}/tokens', () => {
  it('creates a token whose secret works with exactly its scopes, shown once and never listed', async () => {
    const res = await create({ scope: ['instanceOrgs.get', 'instanceOrgMembers.get'] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      apiTokenId: res.body.id,
      instanceId: h.instanceId,
      scope: ['instanceOrgs.get', 'instanceOrgMembers.get'],
      status: 'live',
      creationDate: h.now().toISOString(),
      token: expect.stringMatching(/^gh_/),
    });
    const secret: string = res.body.token;
    expect((await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs`, token: secret })).status).toBe(200);
    expect((await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/members`, token: secret })).status).toBe(200);
    expect((await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites`, token: secret })).status).toBe(403);
    expect((await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs`, token: secret, body: { name: 'No' } })).status).toBe(403);

    const listed = await list(h.tokens.read);
    expect(listed.status).toBe(200);
    const { token: _secret, ...shown } = res.body;
    expect(listed.body.items).toContainEqual(shown);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((await h.request({ method: 'GET', url: `${tokensUrl()}/${res.body.id}`, token: h.tokens.read })).body).toEqual(shown);
    // The audit trail records the token's id, never its secret.
    const trail = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?action=instanceApiTokens.post`, token: h.tokens.admin });
    expect(trail.body.items[0]).toMatchObject({ targetId: res.body.id, details: { scopes: ['instanceOrgs.get', 'instanceOrgMembers.get'] } });
    expect(JSON.stringify(trail.body)).not.toContain(secret);
    expect(h.logs()).not.toContain(secret);
  });

  it('revokes a token: it answers 401 at once and is listed as revoked', async () => {
    const made = await create({ scope: ['instanceOrgs.get'] });
    h.advance(1000);
    const res = await revoke(made.body.id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true });
    expect((await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs`, token: made.body.token })).status).toBe(401);
    const again = await h.request({ method: 'GET', url: `${tokensUrl()}/${made.body.id}`, token: h.tokens.admin });
    expect(again.body).toMatchObject({ status: 'revoked', revokedDate: h.now().toISOString() });
    expect((await revoke(made.body.id)).status).toBe(404);
  });

  it('refuses to mint or revoke beyond what the creating token may do (403 scope_escalation), changing nothing', async () => {
    const narrow = await mint(['instanceApiTokens.post', 'instanceApiToken.delete', 'instanceOrgs.get']);
    const before = await h.snapshot();
    for (const scope of [['all.Instance'], ['instanceOrgs.post'], ['instanceApiTokens.*'], ['all.Instance.read'], ['instanceOrgs.get', 'instanceOrg.patch']]) {
      const res = await create({ scope }, narrow);
      expect(res.status, JSON.stringify(scope)).toBe(403);
      expect(res.body.code).toBe('scope_escalation');
      expect(res.body.message).toMatch(/can do more than it can itself/);
    }
    // Revoking the instance's admin token is beyond it too.
    const adminId = (await list()).body.items.find((t: { scope: string[]; status: string }) => t.scope.join() === 'all.Instance' && t.status === 'live').id;
    expect((await revoke(adminId, narrow)).body.code).toBe('scope_escalation');
    expect(await h.snapshot()).toBe(before);
    // Within its rights, it may.
    expect((await create({ scope: ['instanceOrgs.get'] }, narrow)).status).toBe(201);
  });

  it('a user token follows its user role; an expiring token mints no longer-lived one', async () => {
    expect((await create({ scope: ['instanceOrgs.get'] }, h.tokens.userView)).status).toBe(403);
    expect((await create({ scope: ['all.Instance'] }, h.tokens.userAdmin)).status).toBe(201);
    const brief = await mint(['all.Instance'], { ttlMs: DAY });
    const longer = await create({ scope: ['instanceOrgs.get'], expirationDate: new Date(h.now().getTime() + 2 * DAY).toISOString() }, brief);
    expect(longer.status).toBe(403);
    expect(longer.body.code).toBe('scope_escalation');
    const inherited = await create({ scope: ['instanceOrgs.get'] }, brief);
    expect(inherited.status).toBe(201);
    expect(Date.parse(inherited.body.expirationDate) - h.now().getTime()).toBeLessThanOrEqual(DAY);
  });

  it.each([
    [{}, /scope/],
    [{ scope: [] }, /scope/],
    [{ scope: ['root'] }, /Unknown scope\(s\): root/],
    [{ scope: ['all.User'] }, /act for a user/],
    [{ scope: ['instanceOrgs.get'], expirationDate: '2000-01-01T00:00:00Z' }, /future/],
    [{ scope: ['instanceOrgs.get'], name: 'x' }, /Unknown field "name"/],
  ])('refuses %j with a clear 400 and creates nothing', async (body, message) => {
    const before = await h.snapshot();
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await h.snapshot()).toBe(before);
  });

  it("refuses strangers, read-only tokens and another instance's tokens", async () => {
    const before = await h.snapshot();
    expect((await h.request({ method: 'GET', url: tokensUrl() })).status).toBe(401);
    expect((await create({ scope: ['instanceOrgs.get'] }, h.tokens.read)).status).toBe(403);
    expect((await list(h.tokens.otherInstance)).status).toBe(403);
    // Through its own instance, another instance's token finds none of ours.
    const otherInstanceId = (await h.request({ method: 'GET', url: '/me/token', token: h.tokens.otherInstance })).body.instanceId;
    const ours = (await list()).body.items[0].id;
    const theirs = await h.request({ method: 'GET', url: `${tokensUrl(otherInstanceId)}?perPage=1000`, token: h.tokens.otherInstance });
    expect(theirs.status).toBe(200);
    expect(theirs.body.items.map((t: { instanceId: string }) => t.instanceId)).toEqual(theirs.body.items.map(() => otherInstanceId));
    expect((await h.request({ method: 'GET', url: `${tokensUrl(otherInstanceId)}/${ours}`, token: h.tokens.otherInstance })).status).toBe(404);
    expect((await h.request({ method: 'DELETE', url: `${tokensUrl(otherInstanceId)}/${ours}`, token: h.tokens.otherInstance })).status).toBe(404);
    expect(await h.snapshot()).toBe(before);
  });
});

describe('tokens bound to one organization (token create --org)', () => {
  it('say so in GET /me/token and in the token list, and open only the actions on one org', async () => {
    const made = await h.gh.admin.createToken({ instanceId: h.instanceId, scopes: ['all.Instance'], orgId: h.orgId.toUpperCase() });
    expect(made.orgId).toBe(h.orgId);
    const me = await h.request({ method: 'GET', url: '/me/token', token: made.token });
    expect(me.body.orgId).toBe(h.orgId);
    expect(me.body.actions).toContain('instanceOrgInvites.post');
    expect(me.body.actions.every((a: string) => a.startsWith('instanceOrg'))).toBe(true);
    expect(me.body.actions).not.toContain('instanceOrgs.get');
    const listed = (await list()).body.items.find((t: { id: string }) => t.id === made.id);
    expect(listed.orgId).toBe(h.orgId);

    // Its own org works; another org of the instance and the instance's own lists do not.
    const invites = (orgId: string) => h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${orgId}/invites`, token: made.token });
    expect((await invites(h.orgId)).status).toBe(200);
    expect((await invites(h.otherOrgId)).status).toBe(403);
    for (const url of [`/instances/${h.instanceId}/orgs`, `/instances/${h.instanceId}/audit-logs`, `/instances/${h.instanceId}/tokens`]) {
      expect((await h.request({ method: 'GET', url, token: made.token })).status, url).toBe(403);
    }
  });

  it('are refused for an org of another instance, as an unknown org', async () => {
    await expect(h.gh.admin.createToken({ instanceId: h.instanceId, scopes: ['all.Instance'], orgId: h.foreignOrgId })).rejects.toThrow(/Organization was not found/);
  });
});
