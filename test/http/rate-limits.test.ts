import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGatehouse } from '../../src/gatehouse.js';
import { type Harness, startHarness } from '../helpers/harness.js';
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
      await info(address),
      await info(address),
    ];
    expect(answers.map((r) => r.status)).toEqual([404, 400, 400, 404, 404]);
    h.advance(10_000);
    const refused = await info(address);
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ type: 'TooManyRequests', message: 'Too many requests from this address', code: 'rate_limited' });
    expect(refused.headers['retry-after']).toBe('50');
    expect((await info(newAddress())).status, 'another address is not affected').toBe(404);
    nextMinute();
    expect((await info(address)).status).toBe(404);
  });

  it('limit requests naming one email across addresses', async () => {
    nextMinute();
    const invite = await createInvite(h);
    const { token } = await h.inviteLink(invite.email);
    for (let n = 0; n < 4; n++) expect((await info(newAddress(), invite.email, token)).status).toBe(200);
    const refused = await info(newAddress(), invite.email, token);
    expect(refused.status).toBe(429);
    expect(refused.body.message).toBe('Too many requests for this email');
  });

  it('refuse an email after repeated failed links, even with the right token, until the lockout ends', async () => {
    // The lockout counts in fixed 15-minute windows: start at the beginning of one, so that the
    // minute skipped below cannot cross into the next (in a CI run it did, and the lockout was gone).
    h.advance(15 * 60_000 - (h.now().getTime() % (15 * 60_000)));
    const invite = await createInvite(h);
    const link = await h.inviteLink(invite.email);
    for (let n = 0; n < 3; n++) expect((await info(newAddress(), invite.email, `wrong-${n}`)).status).toBe(404);
    nextMinute(); // the per-email request limit is a separate, shorter window
    const locked = await h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: invite.email, accept: true }, address: newAddress() });
    expect(locked.status).toBe(429);
    expect(locked.body.message).toMatch(/failed attempts for this email/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(locked.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    // Another email is not affected, and the lockout ends with its window.
    expect((await info(newAddress())).status).toBe(404);
    h.advance(15 * 60_000);
    const accepted = await h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: invite.email, accept: true }, address: newAddress() });
    expect(accepted.status).toBe(200);
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
    const second = await createGatehouse(h.config, { clock: () => h.now() });
    try {
      const address = newAddress();
      const ask = (app: typeof second.app) => app.inject({ method: 'GET', url: `/invites?token=t&email=${freshEmail()}`, remoteAddress: address });
      const statuses: number[] = [];
      for (let n = 0; n < 6; n++) statuses.push((await ask(n % 2 ? second.app : h.gh.app)).statusCode);
      expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    } finally {
      await second.close();
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
