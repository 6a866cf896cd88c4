/**
 * Races: many requests at once on one invite or one email, each ending in exactly one
 * consistent state, the losers answered with clear 4xx. On PostgreSQL the requests run on
 * separate pooled connections, truly at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { createInvite, freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());

const org = () => `/instances/${h.instanceId}/orgs/${h.orgId}`;
const statuses = (answers: { status: number }[]) => answers.map((a) => a.status).sort();
const count = (answers: { status: number }[], status: number) => answers.filter((a) => a.status === status).length;
const answer = (token: string, email: string, accept = true) => h.request({ method: 'POST', url: '/invites', body: { token, email, accept } });
const members = async (email: string) => {
  const res = await h.request({ method: 'GET', url: `${org()}/members?filterField=email&filter=${encodeURIComponent(email)}`, token: h.tokens.admin });
  return res.body.items as { email: string; role: string }[];
};
const pendingInvites = async (email: string) => {
  const res = await h.request({ method: 'GET', url: `${org()}/invites?filterField=email&filter=${encodeURIComponent(email)}`, token: h.tokens.admin });
  return res.body.items as { id: string; role: string }[];
};

describe('races', () => {
  it('50 simultaneous accepts of one invite: one membership, one 200, 49 clear 404s', async () => {
    const invite = await createInvite(h);
    const { token } = await h.inviteLink(invite.email);
    const answers = await Promise.all(Array.from({ length: 50 }, () => answer(token, invite.email)));
    expect(count(answers, 200)).toBe(1);
    expect(count(answers, 404)).toBe(49);
    for (const a of answers.filter((x) => x.status === 404)) expect(a.body).toEqual({ type: 'NotFound', message: 'Invite was not found', code: 'invite_link_invalid' });
    expect(await members(invite.email)).toHaveLength(1);
    expect(await pendingInvites(invite.email)).toHaveLength(0);
  });

  it('50 simultaneous invites of one email: one invite, one 201, 49 clear 400s', async () => {
    const email = freshEmail('racer');
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => h.request({ method: 'POST', url: `${org()}/invites?perPage=1`, token: h.tokens.admin, body: { email, role: 'view' } })),
    );
    expect(count(answers, 201)).toBe(1);
    expect(count(answers, 400)).toBe(49);
    for (const a of answers.filter((x) => x.status === 400)) expect(a.body.message).toBe(`${email} already has a pending invite to this organization`);
    expect(await pendingInvites(email)).toHaveLength(1);
    // One mail queued, not fifty.
    const trail = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?orgId=${h.orgId}&perPage=1000`, token: h.tokens.admin });
    expect(trail.body.items.filter((e: { email: string; action: string }) => e.email === email && e.action === 'instanceOrgInvites.post')).toHaveLength(1);
  });

  it('accept racing revoke: either a member and a 404 on the revoke, or no member and a 404 on the accept', async () => {
    for (let round = 0; round < 10; round++) {
      const invite = await createInvite(h);
      const { token } = await h.inviteLink(invite.email);
      const [accepted, revoked] = await Promise.all([
        answer(token, invite.email),
        h.request({ method: 'DELETE', url: `${org()}/invites/${invite.id}`, token: h.tokens.admin }),
      ]);
      expect(statuses([accepted, revoked])).toEqual([200, 404]);
      const isMember = (await members(invite.email)).length === 1;
      expect(isMember).toBe(accepted.status === 200);
      expect(await pendingInvites(invite.email)).toHaveLength(0);
    }
  });

  it('accept racing resend: the old link either wins (member with the old role) or dies (new link, new role)', async () => {
    for (let round = 0; round < 10; round++) {
      const invite = await createInvite(h);
      const { token } = await h.inviteLink(invite.email);
      const [accepted, resent] = await Promise.all([
        answer(token, invite.email),
        h.request({ method: 'POST', url: `${org()}/invites/${invite.id}`, token: h.tokens.admin, body: { role: 'admin' } }),
      ]);
      expect(statuses([accepted, resent])).toEqual(accepted.status === 200 ? [200, 404] : [201, 404]);
      if (accepted.status === 200) {
        expect((await members(invite.email)).map((m) => m.role)).toEqual(['view']);
        expect(await pendingInvites(invite.email)).toHaveLength(0);
      } else {
        expect(await members(invite.email)).toHaveLength(0);
        expect((await pendingInvites(invite.email)).map((i) => i.role)).toEqual(['admin']);
        const fresh = await h.inviteLink(invite.email);
        expect(fresh.token).not.toBe(token);
        expect((await answer(fresh.token, invite.email)).status).toBe(200);
        expect((await members(invite.email)).map((m) => m.role)).toEqual(['admin']);
      }
    }
  });

  it('accept racing reject of one invite: exactly one answer wins', async () => {
    const invite = await createInvite(h);
    const { token } = await h.inviteLink(invite.email);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => answer(token, invite.email, n % 2 === 0)));
    expect(count(answers, 200)).toBe(1);
    const winner = answers.find((a) => a.status === 200)!;
    expect((await members(invite.email)).length).toBe(winner.body.accepted ? 1 : 0);
  });
});
