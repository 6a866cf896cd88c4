import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatehouse } from '../../src/gatehouse.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { trackServerLog } from '../helpers/server-logs.js';
import { createInvite, freshEmail } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    env: { GATEHOUSE_RATE_LIMIT_ADDRESS: '5/1m', GATEHOUSE_RATE_LIMIT_EMAIL: '4/1m', GATEHOUSE_LOCKOUT: '3/15m', GATEHOUSE_RATE_LIMIT_TOKEN: '5/1m' },
  });
});
afterAll(() => h.close());

/** A fresh client address for each test, so that tests do not share the address counter. */
let addressSeq = 0;
const newAddress = () => `10.0.0.${++addressSeq}`;
const info = (address: string, email = freshEmail(), token = 'not-a-token') =>
  h.request({ method: 'GET', url: `/invites?token=${token}&email=${encodeURIComponent(email)}`, address });

/** Moves the clock to the start of the next minute, so a test's requests share one window. */
const nextMinute = () => h.advance(60_000 - (h.now().getTime() % 60_000));

describe('public endpoints', () => {
  it('answer 429 with Retry-After once an address is over its limit, malformed requests counted, until the window ends', async () => {
    nextMinute();
    const address = newAddress();
    const answers = [
      await info(address),
      await h.request({ method: 'POST', url: '/invites', body: '{"broken', address }),
      await h.request({ method: 'POST', url: '/invites', body: { email: 'x' }, address }),
      await h.request({ method: 'GET', url: '/invites?email=x%40example.com', address }),
      await info(address),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 400, 400, 400, 404]);
    h.advance(10_000);
    const refused = await info(address);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ type: 'TooManyRequests', message: 'Too many requests from this address', code: 'rate_limited' });
    expect(refused.headers['retry-after']).toBe('50');
    expect((await info(newAddress())).status, 'another address is not affected').toBe(404);
    nextMinute();
    expect((await info(address)).status).toBe(404);
  });

  it('never refuse a correct link because strangers named its email (the lockout is per address)', async () => {
    // The attack: a stranger sends wrong tokens naming the invitee's email, from one address.
    h.advance(15 * 60_000 - (h.now().getTime() % (15 * 60_000)));
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const stranger = newAddress();
    const strangerAnswers = [];
    for (let n = 0; n < 5; n++) strangerAnswers.push((await info(stranger, invite.email, `wrong-${n}`)).status);
    expect(strangerAnswers, 'the 4th unknown link from one address is refused (lockout 3)').toEqual([404, 404, 404, 429, 429]);
    h.advance(60_000); // past the per-address request limit (5/1m), not the lockout (15 min)
    const locked = await info(stranger, freshEmail(), 'another-guess');
    expect(locked.status, 'any failing check from that address').toBe(429);
    expect(locked.body).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/failed attempts from this address/) });
    expect(Number(locked.headers['retry-after'])).toBeGreaterThanOrEqual(13 * 60);
    // The invitee, from their own address, and even from the stranger's: the correct link works.
    expect((await info(newAddress(), invite.email, link.token)).status).toBe(200);
    expect((await info(stranger, invite.email, link.token)).status).toBe(200);
    expect((await info(stranger, invite.email, 'wrong-again')).status, 'while its guesses stay refused').toBe(429);
    const accepted = await h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: invite.email, accept: true }, address: newAddress() });
    expect(accepted.body).toEqual({ accepted: true, orgId: h.orgId });
  });

  it('count unknown links naming one email across addresses, and still let the correct link through', async () => {
    h.advance(60_000 - (h.now().getTime() % 60_000));
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const answers = [];
    // Each guess from a new address: only the per-email count (4/1m) can stop them.
    for (let n = 0; n < 6; n++) answers.push((await info(newAddress(), invite.email, `guess-${n}`)).status);
    expect(answers).toEqual([404, 404, 404, 404, 429, 429]);
    const refused = await info(newAddress(), invite.email, 'guess-x');
    expect(refused.body.message).toMatch(/failed attempts for this email/);
    expect((await info(newAddress(), invite.email, link.token)).status).toBe(200);
  });

  it('do not count used, revoked or lost links as failures: losers of an accept race are not throttled', async () => {
    h.advance(15 * 60_000 - (h.now().getTime() % (15 * 60_000)));
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const address = newAddress();
    const body = { token: link.token, email: invite.email, accept: true };
    // Below the per-address request limit (5/1m): 4 concurrent accepts, then re-posts in the next minutes.
    const race = await Promise.all([0, 1, 2, 3].map(() => h.request({ method: 'POST', url: '/invites', body, address })));
    expect(race.map((r) => r.status).sort()).toEqual([200, 404, 404, 404]);
    const again = [];
    for (let n = 0; n < 4; n++) {
      h.advance(60_000);
      again.push((await h.request({ method: 'POST', url: '/invites', body, address })).status);
    }
    expect(again, 'a used link is not a guess: 404, never 429').toEqual([404, 404, 404, 404]);
    const revoked = await createInvite(h);
    const revokedLink = await h.inviteLink(revoked.email);
    await h.request({ method: 'DELETE', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites/${revoked.id}`, token: h.tokens.admin });
    for (let n = 0; n < 4; n++) {
      h.advance(60_000);
      expect((await info(address, revoked.email, revokedLink.token)).status).toBe(404);
    }
  });

  it('refuse a flood from what they already know, without a database write', async () => {
    nextMinute();
    const address = newAddress();
    for (let n = 0; n < 6; n++) await info(address);
    const before = await h.snapshot();
    const flood = await Promise.all(Array.from({ length: 50 }, () => info(address)));
    expect(new Set(flood.map((r) => r.status))).toEqual(new Set([429]));
    expect(flood.every((r) => r.headers.connection === 'close'), 'a 429 ends its connection').toBe(true);
    expect(await h.snapshot(), 'the counter rows are as they were: no write per refusal').toBe(before);
  });

  it('a refused request changes nothing', async () => {
    nextMinute();
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    const address = newAddress();
    for (let n = 0; n < 5; n++) await info(address);
    const before = await h.snapshot();
    const refused = await h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: invite.email, accept: true }, address });
    expect(refused.status).toBe(429);
    expect(await h.snapshot()).toBe(before);
  });

  it('share their counts between replicas of one database', async () => {
    nextMinute();
    // Its log is kept, and shown only if the test fails (test/setup.ts).
    const logStream = new PassThrough();
    let logs = '';
    logStream.on('data', (chunk) => (logs += chunk.toString()));
    const untrack = trackServerLog('the second replica', () => logs);
    const second = await createGatehouse(h.config, { clock: () => h.now(), logStream });
    try {
      const address = newAddress();
      // Requests without a token: counted by address, not as failed links.
      const ask = (app: typeof second.app) => app.inject({ method: 'GET', url: `/invites?email=${freshEmail()}`, remoteAddress: address });
      const statuses: number[] = [];
      for (let n = 0; n < 6; n++) statuses.push((await ask(n % 2 ? second.app : h.gh.app)).statusCode);
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    } finally {
      await second.close();
      untrack();
    }
  });
});

describe('authenticated endpoints', () => {
  it('limit each token on its own, with Retry-After', async () => {
    nextMinute();
    const token = await h.token(['all.Instance.read']);
    const list = (t: string) => h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/members`, token: t });
    for (let n = 0; n < 5; n++) expect((await list(token)).status).toBe(200);
    const refused = await list(token);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ type: 'TooManyRequests', message: 'Too many requests for this token', code: 'rate_limited' });
    expect(refused.headers['retry-after']).toBe('60');
    expect((await list(await h.token(['all.Instance.read']))).status, 'another token is not affected').toBe(200);
  });
});
