/**
 * Stable error codes: each refusal a script or the console branches on has its own code, the
 * public link answers share one, and the README, the contract and the OpenAPI document agree.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_STATUS } from '../../src/contract/errors.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ memberLimit: 6 });
});
afterAll(() => h.close());

const invites = () => `/instances/${h.instanceId}/orgs/${h.orgId}/invites`;
const invite = (email: string) => h.request({ method: 'POST', url: invites(), token: h.tokens.admin, body: { email, role: 'view' } });
const info = (token: string, email: string) => h.request({ method: 'GET', url: `/invites?token=${token}&email=${encodeURIComponent(email)}` });

describe('error codes', () => {
  it('name the refusals of the rules', async () => {
    const email = freshEmail();
    await createInvite(h, email);
    expect((await invite(email)).body).toMatchObject({ type: 'Validation', code: 'already_invited' });
    const member = await addMember(h);
    expect((await invite(member.email)).body).toMatchObject({ type: 'Validation', code: 'already_member' });
    const again = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${h.orgId}/members`, token: h.tokens.admin, body: { email: member.email, role: 'view' } });
    expect(again.body).toMatchObject({ type: 'Validation', code: 'already_member' });
    for (let n = 0; n < 4; n++) await createInvite(h);
    expect((await invite(freshEmail())).body).toMatchObject({ type: 'Validation', code: 'member_limit_reached' });
    expect((await h.request({ method: 'GET', url: invites() })).body).toMatchObject({ type: 'Unauthorized', code: 'unauthorized' });
    expect((await h.request({ method: 'POST', url: invites(), token: h.tokens.read, body: { email: freshEmail(), role: 'view' } })).body).toMatchObject({ code: 'forbidden' });
  });

  it('answer unknown, used, revoked and other-email links with one identical body', async () => {
    // In the org without a member limit: the first test filled the other one.
    const org = h.otherOrgId;
    const used = await createInvite(h, freshEmail('used'), org);
    const usedLink = await h.inviteLink(used.email);
    await h.request({ method: 'POST', url: '/invites', body: { token: usedLink.token, email: used.email, accept: false } });
    const revoked = await createInvite(h, freshEmail('revoked'), org);
    const revokedLink = await h.inviteLink(revoked.email);
    await h.request({ method: 'DELETE', url: `/instances/${h.instanceId}/orgs/${org}/invites/${revoked.id}`, token: h.tokens.admin });
    const live = await createInvite(h, freshEmail('live'), org);
    const liveLink = await h.inviteLink(live.email);
    const answers = [
      await info('no-such-token', live.email),
      await info(usedLink.token, used.email),
      await info(revokedLink.token, revoked.email),
      await info(liveLink.token, 'someone-else@example.com'),
    ];
    for (const a of answers) expect({ status: a.status, body: a.body }).toEqual({ status: 404, body: { type: 'NotFound', message: 'Invite was not found', code: 'invite_link_invalid' } });
  });

  it('answer a known path with another method 405 with Allow, and an unknown path 404', async () => {
    const res = await h.request({ method: 'PUT', url: invites(), token: h.tokens.admin, body: {} });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST');
    expect(res.body).toMatchObject({ type: 'MethodNotAllowed', code: 'method_not_allowed' });
    const member = await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${h.orgId}/members/${'a'.repeat(24)}`, token: h.tokens.admin, body: {} });
    expect(member.headers.allow).toBe('DELETE, GET, HEAD, PATCH');
    const nothing = await h.request({ method: 'PUT', url: '/nothing-here' });
    expect(nothing).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('are listed alike in the contract, the README and the OpenAPI document', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map(([, code, status]) => [code, Number(status)]);
    expect(rows).toEqual(Object.entries(ERROR_CODES).map(([code, { type }]) => [code, ERROR_STATUS[type]]));
    const doc = (await h.request({ method: 'GET', url: '/openapi.json' })).body;
    expect(doc.components.schemas.Error.properties.code.enum).toEqual(Object.keys(ERROR_CODES));
    expect(doc.components.schemas.Error.required).toContain('code');
  });
});
