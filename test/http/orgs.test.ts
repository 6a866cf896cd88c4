import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_SCOPES, isReadAction, KNOWN_SCOPES, type Action } from '../../src/contract/scopes.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const orgsUrl = () => `/instances/${h.instanceId}/orgs`;
const create = (body: unknown, token = h.tokens.admin) => h.request({ method: 'POST', url: orgsUrl(), token, body });
const list = (query = '', token = h.tokens.admin) => h.request({ method: 'GET', url: `${orgsUrl()}${query}`, token });

describe("an instance's organizations", () => {
  it('creates an org with upstream fields and answers 200 with it', async () => {
    const res = await create({ name: '  Acme Corp  ', description: 'Rockets', iconColor: '#ff8800', limits: { member: 2 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      orgId: res.body.id,
      instanceId: h.instanceId,
      name: 'Acme Corp',
      description: 'Rockets',
      iconColor: '#ff8800',
      limits: { member: 2 },
      creationDate: h.now().toISOString(),
      lastUpdated: h.now().toISOString(),
    });
    // The new org is usable at once, and its member limit holds.
    const invite = (email: string) =>
      h.request({ method: 'POST', url: `${orgsUrl()}/${res.body.id}/invites?perPage=1`, token: h.tokens.admin, body: { email, role: 'view' } });
    expect((await invite(freshEmail())).status).toBe(201);
    expect((await invite(freshEmail())).status).toBe(201);
    const third = await invite(freshEmail());
    expect(third.status).toBe(400);
    expect(third.body.message).toMatch(/member limit of 2/);
  });

  it('lists them paged like upstream (page 0, 100 per page), sorted by name without regard to case', async () => {
    for (const name of ['zeta list', 'Beta list', 'alpha list']) await create({ name });
    const res = await list('?filterField=name&filter=*%20LIST');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ instanceId: h.instanceId, count: 3, totalCount: 3, page: 0, perPage: 100, sortField: 'name', sortDirection: 'asc' });
    expect(res.body.items.map((o: { name: string }) => o.name)).toEqual(['alpha list', 'Beta list', 'zeta list']);
    const page = await list('?filterField=name&filter=*list&sortDirection=desc&perPage=2&page=1');
    expect(page.body).toMatchObject({ count: 1, totalCount: 3, page: 1, perPage: 2, filter: '*list', filterField: 'name' });
    expect(page.body.items[0].name).toBe('alpha list');
    const byDate = await list('?sortField=creationDate&sortDirection=desc&perPage=1');
    expect(byDate.body.items[0].name).toBe('alpha list');
  });

  it("shows only the token's instance", async () => {
    const res = await list('?perPage=1000');
    const ids = res.body.items.map((o: { id: string }) => o.id);
    expect(ids).toContain(h.orgId);
    expect(ids).toContain(h.otherOrgId);
    expect(ids).not.toContain(h.foreignOrgId);
    expect(res.body.totalCount).toBe(ids.length);
  });

  it.each([
    [{}, /name/],
    [{ name: '' }, /name/],
    [{ name: 'Two\nlines' }, /control characters/],
    [{ name: 'x'.repeat(256) }, /name/],
    [{ name: 'Devices', limits: { device: 10 } }, /^Unknown field "limits\.device"$/],
    [{ name: 'Seats', limits: { member: 0 } }, /^limits\.member must be a whole number of 1 or more$/],
    [{ name: 'With members', members: [] }, /^Unknown field "members"$/],
  ])('refuses %j with a clear 400 and creates nothing', async (body, message) => {
    const before = await h.snapshot();
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.body.type).toBe('Validation');
    expect(res.body.message).toMatch(message);
    expect(await h.snapshot()).toBe(before);
  });

  it('refuses unknown list parameters values', async () => {
    expect((await list('?sortField=email')).status).toBe(400);
    expect((await list('?filterField=email')).status).toBe(400);
    expect((await list('?perPage=0')).status).toBe(400);
  });

  it('keeps a name with markup as text, exactly', async () => {
    const res = await create({ name: '<script>alert(1)</script>' });
    expect(res.body.name).toBe('<script>alert(1)</script>');
  });
});

describe('GET /me/token', () => {
  const me = (token: string | null) => h.request({ method: 'GET', url: '/me/token', token });
  const allActions = Object.keys(ACTION_SCOPES).sort();
  const readActions = allActions.filter((a) => isReadAction(a as Action));

  it('tells an instance token its instance, scopes and every action it may call, and never its secret', async () => {
    const res = await me(h.tokens.admin);
    expect(res.status).toBe(200);
    expect({ ...res.body, actions: [...res.body.actions].sort() }).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      instanceId: h.instanceId,
      instanceName: expect.any(String),
      scopes: ['all.Instance'],
      createdAt: expect.any(String),
      actions: allActions.filter((a) => (ACTION_SCOPES[a as Action] as readonly string[]).includes('all.Instance')).sort(),
      // Every scope of the instance's side (the user ones are made with the CLI): it may do all of it. The org's
      // and the user's sides are not the instance token's to hand on (all.Instance does not open them).
      grantableScopes: [...KNOWN_SCOPES].filter((s) => !/^(all\.User|all\.Organization|org\.|me\.)/.test(s)).sort(),
    });
    expect(JSON.stringify(res.body)).not.toContain(h.tokens.admin);
  });

  it('a read-only token learns it may only read, and may hand on no write scope', async () => {
    const info = (await me(h.tokens.read)).body;
    // The instance's reads: all.Instance.read opens neither the org's side nor the user's.
    expect(info.actions.sort()).toEqual(readActions.filter((a) => (ACTION_SCOPES[a as Action] as readonly string[]).includes('all.Instance.read')));
    expect(info.grantableScopes).toContain('all.Instance.read');
    expect(info.grantableScopes).not.toContain('all.Instance');
    expect(info.grantableScopes).not.toContain('instanceOrgs.post');
  });

  it("a user token is described with its user, whose instance role bounds the actions", async () => {
    const admin = await me(h.tokens.userAdmin);
    expect(admin.body.user).toEqual({ id: expect.any(String), email: 'instance-admin@example.com', instanceRole: 'admin' });
    expect(admin.body.actions.sort()).toEqual(allActions);
    const viewer = await me(h.tokens.userView);
    expect(viewer.body.user.instanceRole).toBe('view');
    expect(viewer.body.actions.sort()).toEqual(readActions);
  });

  it('a narrow token lists just its action; expiring tokens say when', async () => {
    const narrow = await h.token(['instanceOrgInvites.post'], { ttlMs: 60_000 });
    const res = await me(narrow);
    expect(res.body.actions).toEqual(['instanceOrgInvites.post']);
    expect(res.body.grantableScopes).toEqual(['instanceOrgInvites.post']);
    expect(res.body.expiresAt).toBe(new Date(h.now().getTime() + 60_000).toISOString());
  });

  it('answers 401 without a live token', async () => {
    for (const token of [null, h.tokens.revoked, h.tokens.expired, 'gh_nope']) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.body.type).toBe('Unauthorized');
    }
  });
});

describe('who invited, on the invitation link', () => {
  const info = async (email: string) => {
    const link = await h.inviteLink(email);
    return (await h.request({ method: 'GET', url: `/invites?token=${link.token}&email=${encodeURIComponent(email)}` })).body;
  };
  const invite = (email: string, token: string) =>
    h.request({ method: 'POST', url: `${orgsUrl()}/${h.orgId}/invites?perPage=1`, token, body: { email, role: 'edit' } });

  it('names the person whose token sent the live link, and nobody for an instance token', async () => {
    const byInstance = freshEmail();
    await invite(byInstance, h.tokens.admin);
    expect((await info(byInstance)).invitedBy).toBeUndefined();

    const byPerson = freshEmail();
    await invite(byPerson, h.tokens.userAdmin);
    expect((await info(byPerson)).invitedBy).toBe('Ida (instance-admin@example.com)');
  });

  it('a resend by a person makes them the inviter', async () => {
    const email = freshEmail();
    await invite(email, h.tokens.admin);
    const list = await h.request({ method: 'GET', url: `${orgsUrl()}/${h.orgId}/invites?filterField=email&filter=${email}`, token: h.tokens.admin });
    const id = list.body.items[0].id;
    const resent = await h.request({ method: 'POST', url: `${orgsUrl()}/${h.orgId}/invites/${id}`, token: h.tokens.userAdmin, body: { role: 'view' } });
    expect(resent.status).toBe(201);
    expect((await info(email)).invitedBy).toBe('Ida (instance-admin@example.com)');
  });
});
