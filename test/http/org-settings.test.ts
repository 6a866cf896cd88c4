import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const orgUrl = (orgId: string) => `/instances/${h.instanceId}/orgs/${orgId}`;
const newOrg = async (name: string) => (await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs`, token: h.tokens.admin, body: { name } })).body;
const patch = (orgId: string, body: unknown, token = h.tokens.admin) => h.request({ method: 'PATCH', url: orgUrl(orgId), token, body });
const get = (orgId: string, token = h.tokens.admin) => h.request({ method: 'GET', url: orgUrl(orgId), token });

describe('GET and PATCH /instances/{instanceId}/orgs/{orgId}', () => {
  it('answers an org exactly as the org list shows it', async () => {
    const org = await newOrg('Shown alike');
    const one = await get(org.id);
    expect(one.status).toBe(200);
    const listed = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs?filterField=name&filter=Shown%20alike`, token: h.tokens.read });
    expect(one.body).toEqual(listed.body.items[0]);
    expect(one.body).toEqual(org);
  });

  it('renames, describes, limits, sets the invite lifetime and the language, and clears them with null', async () => {
    const org = await newOrg('Before');
    h.advance(60_000);
    const res = await patch(org.id, { name: '  After  ', description: 'Rockets', limits: { member: 1 }, inviteTtlMs: 3_600_000, locale: 'de' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...org, name: 'After', description: 'Rockets', limits: { member: 1 }, inviteTtlMs: 3_600_000, locale: 'de', lastUpdated: h.now().toISOString() });
    expect((await get(org.id, h.tokens.read)).body).toEqual(res.body);

    // The limit and the lifetime hold for invites.
    const invite = (email: string) => h.request({ method: 'POST', url: `${orgUrl(org.id)}/invites`, token: h.tokens.admin, body: { email, role: 'view' } });
    const first = await invite(freshEmail());
    expect(first.status).toBe(201);
    expect(first.body.items[0].ttl).toBe(3_600_000);
    const second = await invite(freshEmail());
    expect(second.status).toBe(400);
    expect(second.body.message).toMatch(/member limit of 1/);

    const cleared = await patch(org.id, { limits: { member: null }, inviteTtlMs: null, locale: null, description: '' });
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ ...org, name: 'After', limits: {}, lastUpdated: h.now().toISOString() });
  });

  it('records the change in the audit trail, with who made it', async () => {
    const org = await newOrg('Audited');
    await patch(org.id, { name: 'Audited too', limits: { member: 5 } }, h.tokens.userAdmin);
    const trail = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?action=instanceOrg.patch&orgId=${org.id}`, token: h.tokens.admin });
    expect(trail.body.items).toHaveLength(1);
    expect(trail.body.items[0]).toMatchObject({ action: 'instanceOrg.patch', orgId: org.id, targetId: org.id, details: { name: 'Audited too', memberLimit: 5 } });
    expect(trail.body.items[0].userId).toBeDefined();
  });

  it.each([
    [{}, /Nothing to change/],
    [{ name: '' }, /name/],
    [{ name: 'Two\nlines' }, /control characters/],
    [{ limits: { member: 0 } }, /limits\.member/],
    [{ limits: { device: 3 } }, /Unknown field "limits\.device"/],
    [{ inviteTtlMs: 0 }, /inviteTtlMs/],
    [{ inviteTtlMs: 1.5 }, /inviteTtlMs/],
    [{ locale: 'xx' }, /locale/],
    [{ iconColor: '#fff' }, /Unknown field "iconColor"/],
  ])('refuses %j with a clear 400 and changes nothing', async (body, message) => {
    const before = await h.snapshot();
    const res = await patch(h.orgId, body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(await h.snapshot()).toBe(before);
  });

  it("refuses strangers, read-only tokens, view users and another instance's tokens, changing nothing", async () => {
    const before = await h.snapshot();
    for (const token of [h.tokens.read, h.tokens.userAdminRead, h.tokens.userView]) expect((await patch(h.orgId, { name: 'Taken' }, token)).status).toBe(403);
    expect((await h.request({ method: 'PATCH', url: orgUrl(h.orgId), body: { name: 'Taken' } })).status).toBe(401);
    const foreign = await h.request({ method: 'PATCH', url: orgUrl(h.orgId), token: h.tokens.otherInstance, body: { name: 'Taken' } });
    expect([403, 404]).toContain(foreign.status);
    // An org of another instance is not found through this instance.
    expect((await patch(h.foreignOrgId, { name: 'Taken' })).status).toBe(404);
    expect((await get(h.foreignOrgId)).status).toBe(404);
    expect(await h.snapshot()).toBe(before);
  });
});
