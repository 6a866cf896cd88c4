import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { createInvite } from '../helpers/routes.js';

/**
 * The invited user's side (upstream's `me` invite actions, which losant-rest 2.8.1 predates:
 * called over HTTP with the request shapes of upstream's later docs). Answers are checked
 * against upstream's schemas (test/fixtures/losant-rest-schemas; its `orgInvitesUser` nests its
 * item schema one level too deep and so checks nothing: each item is checked as `orgInviteUser`).
 */
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats.default(ajv);
const schema = (name: string) => ajv.compile(JSON.parse(readFileSync(new URL(`../fixtures/losant-rest-schemas/${name}.json`, import.meta.url), 'utf8')));
const INVITE = schema('orgInviteUser');
const ACTION = schema('orgInviteActionUser');
const RESULT = schema('orgInviteResultUser');
const fits = (validate: ReturnType<typeof schema>, value: unknown) => expect(validate(value), JSON.stringify(validate.errors)).toBe(true);

let h: Harness;
let ada = '';
let adaId = '';
let grace = '';
beforeAll(async () => {
  h = await startHarness();
  const user = await h.gh.admin.createUser({ email: 'ada@example.com', firstName: 'Ada' });
  adaId = user.id;
  ada = await h.token(['all.User'], { userId: user.id });
  grace = await h.token(['all.User'], { userId: (await h.gh.admin.createUser({ email: 'grace@example.com' })).id });
});
afterAll(() => h.close());

const mine = (token = ada) => h.request({ method: 'GET', url: '/me/invites', token });
const respond = (inviteId: string, action: string, token = ada) => h.request({ method: 'POST', url: `/me/invites/${inviteId}`, token, body: { action } });

describe('/me/invites: the invitations to the token user\'s email', () => {
  it('lists them across the orgs of the instance, newest first, in upstream\'s shape, and only them', async () => {
    // Sent by a person (the instance admin's user token): the invite names them.
    const sent = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites`, token: h.tokens.userAdmin, body: { email: 'ADA@example.com', role: 'edit' } });
    const first = sent.body.items.find((i: { email: string }) => i.email === 'ada@example.com');
    h.advance(1000);
    const second = await createInvite(h, 'ada@example.com', h.otherOrgId);
    await createInvite(h, 'someone-else@example.com');
    const res = await mine();
    expect(res.status).toBe(200);
    expect(res.body.map((i: { id: string }) => i.id)).toEqual([second.id, first.id]);
    for (const item of res.body) fits(INVITE, item);
    expect(res.body[1]).toMatchObject({ orgName: 'Acme', role: 'edit', requiresMFA: false, expired: false, invitedBy: { fullName: 'Ida', email: 'instance-admin@example.com' } });
    expect(res.body[0].orgName).toBe('Second');
    expect((await mine(grace)).body).toEqual([]);
    const one = await h.request({ method: 'GET', url: `/me/invites/${first.id}`, token: ada });
    expect(one.body).toEqual(res.body[1]);
    // Another person's invite is the same 404 as an unknown one.
    expect((await h.request({ method: 'GET', url: `/me/invites/${first.id}`, token: grace })).status).toBe(404);
  });

  it('dismiss hides an invite from the list; it stays valid and can still be accepted', async () => {
    const invite = (await mine()).body.find((i: { orgName: string }) => i.orgName === 'Second');
    const dismissed = await respond(invite.id, 'dismiss');
    fits(ACTION, { action: 'dismiss' });
    fits(RESULT, dismissed.body);
    expect(dismissed.body).toEqual({ result: 'dismissed', orgId: h.otherOrgId });
    expect((await mine()).body.map((i: { id: string }) => i.id)).not.toContain(invite.id);
    expect((await h.request({ method: 'GET', url: `/me/invites/${invite.id}`, token: ada })).status).toBe(200);
    const instanceView = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.otherOrgId}/invites`, token: h.tokens.admin });
    expect(instanceView.body.items.map((i: { id: string }) => i.id)).toContain(invite.id);

    const accepted = await respond(invite.id, 'accept');
    fits(RESULT, accepted.body);
    expect(accepted.body).toEqual({ result: 'accepted', orgId: h.otherOrgId });
    const member = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.otherOrgId}/members/${adaId}`, token: h.tokens.admin });
    expect(member.body).toMatchObject({ email: 'ada@example.com', role: 'view' });
    // Once: the invite is gone from every list, and a second answer is a 404.
    expect((await respond(invite.id, 'accept')).status).toBe(404);
  });

  it('reject ends the invite as its link would, with the same event and audit entry', async () => {
    const invite = (await mine()).body[0];
    const res = await respond(invite.id, 'reject');
    expect(res.body).toEqual({ result: 'rejected', orgId: h.orgId });
    expect((await mine()).body).toEqual([]);
    const trail = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?action=orgInvites.reject`, token: h.tokens.admin });
    expect(trail.body.items[0]).toMatchObject({ email: 'ada@example.com', targetId: invite.id, userId: adaId });
  });

  it('answers an expired invite 410, and lists it as expired', async () => {
    const invite = await createInvite(h, 'ada@example.com');
    h.advance(8 * 86_400_000);
    expect((await mine()).body.find((i: { id: string }) => i.id === invite.id).expired).toBe(true);
    const res = await respond(invite.id, 'accept');
    expect(res.status).toBe(410);
    expect(res.body.type).toBe('Gone');
  });

  it('is for tokens that act for a user, of that instance, with a user scope', async () => {
    const before = await h.snapshot();
    expect((await h.request({ method: 'GET', url: '/me/invites', token: h.tokens.admin })).status).toBe(403);
    expect((await h.request({ method: 'GET', url: '/me/invites', token: await h.token(['me.invites']) })).status).toBe(403);
    expect((await h.request({ method: 'GET', url: '/me/invites' })).status).toBe(401);
    const readOnly = await h.token(['all.User.read'], { userId: adaId });
    expect((await mine(readOnly)).status).toBe(200);
    const third = await h.gh.admin.createOrg({ instanceId: h.instanceId, name: 'Third' });
    const invite = await createInvite(h, 'ada@example.com', third.id);
    const snapshot = await h.snapshot();
    expect((await respond(invite.id, 'accept', readOnly)).status).toBe(403);
    expect((await respond(invite.id, 'join')).status).toBe(400);
    expect((await h.request({ method: 'POST', url: `/me/invites/${invite.id}`, token: ada, body: { action: 'accept', extra: 1 } })).status).toBe(400);
    expect(await h.snapshot()).toBe(snapshot);
    expect(before).not.toBe(snapshot);
  });
});
