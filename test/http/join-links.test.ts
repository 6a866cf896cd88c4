import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lastMail } from '../../src/mail/eml.js';
import { DAY, type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, createJoinLink, joinCode } from '../helpers/routes.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h?.close());

let seq = 0;
const acme = (tag = 'joiner') => `${tag}-${++seq}@acme.com`;
const links = (orgId = h.orgId) => `/instances/${h.instanceId}/orgs/${orgId}/join-links`;
const ask = (code: string, email: string, address?: string) => h.request({ method: 'POST', url: '/join', body: { code, email }, address });
const info = (code: string) => h.request({ method: 'GET', url: `/join?code=${encodeURIComponent(code)}` });
const page = (code: string) => h.request({ method: 'GET', url: `/join/${encodeURIComponent(code)}` });
const accept = (link: { token: string; email: string }) => h.request({ method: 'POST', url: '/invites', body: { token: link.token, email: link.email, accept: true } });
const members = async () => (await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/members`, token: h.tokens.admin })).body.items as { email: string; role: string }[];
const mailTo = async (email: string) => (await h.gh.worker.drain(), lastMail(h.mailFolder, email));

async function eventsOf(type: string) {
  const res = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events?limit=1000&types=${type}`, token: h.tokens.admin });
  let body = res.body;
  while (body.hasMore) body = (await h.request({ method: 'GET', url: `/instances/${h.instanceId}/events?limit=1000&types=${type}&after=${body.next}`, token: h.tokens.admin })).body;
  return body.items as { type: string; data: Record<string, any> }[];
}

describe('join links: the admin side', () => {
  it('create answers the link with a URL holding at least 128 random bits; list and get show it again, only to tokens that may make links', async () => {
    const created = await h.request({ method: 'POST', url: links(), token: h.tokens.admin, body: { role: 'edit', maxUses: 3, allowedDomains: ['Acme.COM', 'acme.com', 'eu.acme.com'], description: ' Slack #general ' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ role: 'edit', maxUses: 3, uses: 0, allowedDomains: ['acme.com', 'eu.acme.com'], description: 'Slack #general', state: 'active', hasExpired: false, usedUp: false, orgId: h.orgId, instanceId: h.instanceId });
    const url = new URL(created.body.url);
    expect(url.origin).toBe('http://gatehouse.test');
    const code = joinCode(created.body);
    expect(url.pathname).toBe(`/join/${code}`);
    // base64url: 6 bits a character.
    expect(code).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(code.length * 6).toBeGreaterThanOrEqual(128);
    const other = await createJoinLink(h);
    expect(joinCode(other)).not.toBe(code);

    // The URL is for those who could make such a link; a read-only token, or a user token of a
    // viewer, sees the rest but could otherwise join with the link's role.
    const { url: _url, ...rest } = created.body;
    for (const [token, shown] of [[h.tokens.admin, true], [h.tokens.userAdmin, true], [h.tokens.read, false], [h.tokens.userAdminRead, false], [h.tokens.userView, false]] as const) {
      const expected = shown ? created.body : rest;
      const one = await h.request({ method: 'GET', url: `${links()}/${created.body.id}`, token });
      expect(one.body).toEqual(expected);
      const list = await h.request({ method: 'GET', url: links(), token });
      expect(list.body.items.find((l: { id: string }) => l.id === created.body.id)).toEqual(expected);
      if (!shown) expect(JSON.stringify([one.body, list.body])).not.toContain(code);
    }
    const audit = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?perPage=5`, token: h.tokens.admin });
    expect(audit.body.items.map((e: { action: string }) => e.action)).toContain('instanceOrgJoinLinks.post');
    expect(JSON.stringify(audit.body)).not.toContain(code);
    const [event] = (await eventsOf('join_link.created')).filter((e) => e.data.joinLinkId === created.body.id);
    expect(event.data).toMatchObject({ joinLinkId: created.body.id, role: 'edit', maxUses: 3, state: 'active', allowedDomains: ['acme.com', 'eu.acme.com'] });
    expect(JSON.stringify(event)).not.toContain(code);
  });

  it('refuses bad settings with a clear 400 and creates nothing', async () => {
    const before = (await h.request({ method: 'GET', url: links(), token: h.tokens.admin })).body.count;
    const cases: [unknown, RegExp][] = [
      [{ role: 'owner' }, /^role must be one of/],
      [{ role: 'view', maxUses: 0 }, /^maxUses must be a whole number of 1 or more$/],
      [{ role: 'view', expiresAt: new Date(h.now().getTime() - 1000).toISOString() }, /expiresAt must be in the future/],
      [{ role: 'view', expiresAt: 'next tuesday' }, /^expiresAt must be a date and time/],
      [{ role: 'view', allowedDomains: ['@acme.com'] }, /^allowedDomains\[0\] must be an email domain like acme\.com$/],
      [{ role: 'view', allowedDomains: ['acme'] }, /^allowedDomains\[0\] must be an email domain/],
      [{ role: 'view', code: 'mine' }, /^Unknown field "code"$/],
    ];
    for (const [body, message] of cases) {
      const res = await h.request({ method: 'POST', url: links(), token: h.tokens.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    expect((await h.request({ method: 'GET', url: links(), token: h.tokens.admin })).body.count).toBe(before);
  });

  it("a link is found only under its own org and instance", async () => {
    const link = await createJoinLink(h);
    expect((await h.request({ method: 'GET', url: `${links(h.otherOrgId)}/${link.id}`, token: h.tokens.admin })).status).toBe(404);
    expect((await h.request({ method: 'PATCH', url: `${links(h.otherOrgId)}/${link.id}`, token: h.tokens.admin, body: { state: 'disabled' } })).status).toBe(404);
    expect((await h.request({ method: 'GET', url: `${links()}/${link.id}`, token: h.tokens.otherInstance })).status).toBe(403);
    expect((await info(joinCode(link))).status).toBe(200);
  });
});

describe('joining through a link', () => {
  it('the page and the API show the org and role; asking mails a confirmation; accepting it makes a member and counts a use', async () => {
    const link = await createJoinLink(h, { role: 'collaborate', allowedDomains: ['acme.com'] });
    const code = joinCode(link);
    const shown = await info(code);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ orgName: 'Acme', role: 'collaborate', allowedDomains: ['acme.com'] });
    const html = await page(code);
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(String(html.headers['content-security-policy'])).toContain("script-src 'self'");

    const email = acme();
    const asked = await ask(code, email.toUpperCase());
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    expect(asked.body).toMatchObject({ email, orgName: 'Acme' });
    const mail = await mailTo(email);
    expect(mail?.subject).toBe('Confirm your email to join Acme');
    expect(mail?.text).toContain('"collaborate"');
    // Asking alone made nobody a member: the invite list shows the pending confirmation, with its link.
    expect((await members()).map((m) => m.email)).not.toContain(email);
    const pending = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites?filterField=email&filter=${email}`, token: h.tokens.admin });
    expect(pending.body.items).toMatchObject([{ email, role: 'collaborate', joinLinkId: link.id }]);

    const confirmation = await h.inviteLink(email);
    const infoOfInvite = await h.request({ method: 'GET', url: `/invites?token=${confirmation.token}&email=${email}` });
    expect(infoOfInvite.body).toMatchObject({ orgName: 'Acme', role: 'collaborate', joinLink: true });
    expect((await accept(confirmation)).body).toEqual({ accepted: true, orgId: h.orgId });
    expect((await members()).find((m) => m.email === email)?.role).toBe('collaborate');
    expect((await h.request({ method: 'GET', url: `${links()}/${link.id}`, token: h.tokens.admin })).body.uses).toBe(1);

    const [added] = (await eventsOf('member.added')).filter((e) => e.data.email === email);
    expect(added.data).toMatchObject({ joinLinkId: link.id, role: 'collaborate', actor: { via: 'join_link' } });
    const [created] = (await eventsOf('invite.created')).filter((e) => e.data.email === email);
    expect(created.data).toMatchObject({ joinLinkId: link.id, actor: { via: 'join_link' } });
    expect(h.logs()).not.toContain(code);
  });

  it('an address outside the allowed domains is refused before any mail, subdomains only when listed', async () => {
    const link = await createJoinLink(h, { allowedDomains: ['acme.com', 'eu.acme.com'] });
    const code = joinCode(link);
    const snapshot = await h.snapshot();
    for (const email of ['mallory@evil.com', 'mallory@us.acme.com', 'mallory@acme.com.evil.com', 'mallory@notacme.com']) {
      const res = await ask(code, email);
      expect(res.status, email).toBe(400);
      expect(res.body).toMatchObject({ code: 'join_domain_not_allowed', message: 'This join link is only for addresses at one of: acme.com, eu.acme.com' });
      expect(await mailTo(email)).toBeNull();
    }
    expect(await h.snapshot()).toBe(snapshot);
    expect((await ask(code, `ann-${++seq}@EU.acme.com`)).status).toBe(200);
  });

  it('an existing member is told so without a mail; someone invited otherwise is pointed at that mail', async () => {
    const link = await createJoinLink(h);
    const member = await addMember(h, acme('member'));
    const res = await ask(joinCode(link), member.email);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'already_member', message: `${member.email} is already a member of this organization` });
    expect(await mailTo(member.email)).toBeNull();

    const invited = await createInvite(h, acme('invited'));
    const inviteMail = await mailTo(invited.email);
    expect(inviteMail).not.toBeNull();
    const again = await ask(joinCode(link), invited.email);
    expect(again.status).toBe(400);
    expect(again.body).toMatchObject({ code: 'already_invited' });
    expect(again.body.message).toContain('look for it in your mail');
    expect((await mailTo(invited.email))?.file).toBe(inviteMail?.file);
  });

  it('asking twice sends a new confirmation; the earlier one stops working', async () => {
    const link = await createJoinLink(h);
    const email = acme();
    await ask(joinCode(link), email);
    const first = await h.inviteLink(email);
    expect((await ask(joinCode(link), email)).status).toBe(200);
    const second = await h.inviteLink(email);
    expect(second.token).not.toBe(first.token);
    expect((await accept(first)).status).toBe(404);
    expect((await accept(second)).status).toBe(200);
  });

  it("the org's member limit applies as for invites", async () => {
    const limited = await startHarness({ memberLimit: 1 });
    try {
      const link = await createJoinLink(limited);
      expect((await limited.request({ method: 'POST', url: '/join', body: { code: joinCode(link), email: 'one@acme.com' } })).status).toBe(200);
      const full = await limited.request({ method: 'POST', url: '/join', body: { code: joinCode(link), email: 'two@acme.com' } });
      expect(full.status).toBe(400);
      expect(full.body.code).toBe('member_limit_reached');
      await limited.gh.worker.drain();
      expect(await lastMail(limited.mailFolder, 'two@acme.com')).toBeNull();
    } finally {
      await limited.close();
    }
  });
});

describe('the use cap', () => {
  it('50 concurrent confirmations on a link with 10 uses make exactly 10 members', async () => {
    const link = await createJoinLink(h, { role: 'view', maxUses: 10 });
    const code = joinCode(link);
    const emails = Array.from({ length: 50 }, () => acme('racer'));
    for (const email of emails) expect((await ask(code, email)).status).toBe(200);
    const confirmations = [];
    for (const email of emails) confirmations.push(await h.inviteLink(email));
    const answers = await Promise.all(confirmations.map(accept));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s === 404)).toHaveLength(40);
    for (const a of answers.filter((x) => x.status === 404)) expect(a.body).toMatchObject({ code: 'join_link_used_up' });
    const joined = (await members()).filter((m) => emails.includes(m.email));
    expect(joined).toHaveLength(10);
    const after = await h.request({ method: 'GET', url: `${links()}/${link.id}`, token: h.tokens.admin });
    expect(after.body).toMatchObject({ uses: 10, usedUp: true });
    expect((await info(code)).body).toMatchObject({ code: 'join_link_used_up' });
    expect((await info(code)).status).toBe(404);
    expect((await page(code)).status).toBe(404);
    expect((await ask(code, acme())).status).toBe(404);
    expect((await eventsOf('member.added')).filter((e) => e.data.joinLinkId === link.id)).toHaveLength(10);
  });
});

describe('rotation, disabling, deletion and expiry', () => {
  it('rotating gives a new URL; the old one and its unaccepted confirmations stop working at once', async () => {
    const link = await createJoinLink(h);
    const old = joinCode(link);
    const email = acme();
    await ask(old, email);
    const confirmation = await h.inviteLink(email);
    const rotated = await h.request({ method: 'POST', url: `${links()}/${link.id}/rotate`, token: h.tokens.admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body.url).not.toBe(link.url);
    for (const res of [await info(old), await page(old), await ask(old, acme())]) expect(res.status).toBe(404);
    expect((await info(old)).body.code).toBe('join_link_invalid');
    expect((await accept(confirmation)).status).toBe(404);
    expect((await info(joinCode(rotated.body))).status).toBe(200);
    const [withdrawn] = (await eventsOf('invite.revoked')).filter((e) => e.data.email === email);
    expect(withdrawn.data).toMatchObject({ reason: 'join_link_withdrawn', joinLinkId: link.id });
    const [updated] = (await eventsOf('join_link.updated')).filter((e) => e.data.joinLinkId === link.id);
    expect(updated.data.reason).toBe('rotated');
    expect(JSON.stringify(updated)).not.toContain(joinCode(rotated.body));
  });

  it('a disabled link answers 404 until enabled again; a deleted one for good', async () => {
    const link = await createJoinLink(h);
    const code = joinCode(link);
    const url = `${links()}/${link.id}`;
    expect((await h.request({ method: 'PATCH', url, token: h.tokens.admin, body: { state: 'disabled' } })).body.state).toBe('disabled');
    for (const res of [await info(code), await page(code), await ask(code, acme())]) expect(res.status).toBe(404);
    expect((await h.request({ method: 'PATCH', url, token: h.tokens.admin, body: { state: 'active', maxUses: null } })).body.state).toBe('active');
    expect((await info(code)).status).toBe(200);
    expect((await h.request({ method: 'DELETE', url, token: h.tokens.admin })).body).toEqual({ success: true });
    expect((await info(code)).status).toBe(404);
    expect((await h.request({ method: 'GET', url, token: h.tokens.admin })).status).toBe(404);
    expect((await eventsOf('join_link.deleted')).some((e) => e.data.joinLinkId === link.id)).toBe(true);
  });

  it('an expired link answers 410; a confirmation asked for before expiry cannot be used after it', async () => {
    const expiresAt = new Date(h.now().getTime() + DAY).toISOString();
    const link = await createJoinLink(h, { expiresAt });
    const code = joinCode(link);
    expect((await info(code)).body.expiresAt).toBe(expiresAt);
    const email = acme();
    const asked = await ask(code, email);
    // The confirmation lives no longer than the link (the org's invites live 7 days).
    expect(asked.body.expiresAt).toBe(expiresAt);
    const confirmation = await h.inviteLink(email);
    h.advance(DAY + 1000);
    for (const res of [await info(code), await page(code), await ask(code, acme())]) {
      expect(res.status).toBe(410);
    }
    expect((await info(code)).body.code).toBe('join_link_expired');
    expect((await accept(confirmation)).status).toBe(410);
    expect((await h.request({ method: 'GET', url: `${links()}/${link.id}`, token: h.tokens.admin })).body.hasExpired).toBe(true);
  });

  it('unknown codes answer 404 with the same words, and never reach the logs', async () => {
    for (const code of ['x', 'a'.repeat(43), '../../admin', '%00']) {
      const res = await info(code);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'join_link_invalid', message: 'This join link cannot be used' });
    }
    const secret = 'Zq9wXsecretcodeThatIsUnknown12345';
    await page(secret);
    await info(secret);
    expect(h.logs()).not.toContain(secret);
  });
});

describe('rate limits', () => {
  it('mail requests are limited per email and per client address; unknown codes count as guesses', async () => {
    const limited = await startHarness({ env: { GATEHOUSE_RATE_LIMIT_JOIN_EMAIL: '2/1h', GATEHOUSE_RATE_LIMIT_JOIN_ADDRESS: '4/1h', GATEHOUSE_LOCKOUT: '3/15m' } });
    try {
      const code = joinCode(await createJoinLink(limited));
      const post = (email: string, address: string) => limited.request({ method: 'POST', url: '/join', body: { code, email }, address });
      expect((await post('same@acme.com', '10.0.0.1')).status).toBe(200);
      expect((await post('same@acme.com', '10.0.0.2')).status).toBe(200);
      const third = await post('same@acme.com', '10.0.0.3');
      expect(third.status).toBe(429);
      expect(third.body.message).toBe('Too many join requests for this email; try again later');
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);

      for (let i = 0; i < 4; i++) expect((await post(`p${i}@acme.com`, '10.0.0.9')).status).toBe(200);
      const fifth = await post('p5@acme.com', '10.0.0.9');
      expect(fifth.status).toBe(429);
      expect(fifth.body.message).toBe('Too many join requests from this address; try again later');
      await limited.gh.worker.drain();
      expect(await lastMail(limited.mailFolder, 'p5@acme.com')).toBeNull();

      for (let i = 0; i < 3; i++) expect((await limited.request({ method: 'GET', url: `/join?code=guess${i}`, address: '10.0.0.7' })).status).toBe(404);
      expect((await limited.request({ method: 'GET', url: '/join?code=guess4', address: '10.0.0.7' })).status).toBe(429);
      expect((await limited.request({ method: 'GET', url: '/join/guess5', address: '10.0.0.7' })).status).toBe(429);
      // Another address is not held back.
      expect((await limited.request({ method: 'GET', url: `/join?code=${code}`, address: '10.0.0.8' })).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
