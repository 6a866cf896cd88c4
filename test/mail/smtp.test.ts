/**
 * Invitation mail over real SMTP: an smtp-server in this process receives what Gatehouse's
 * outbox worker sends through nodemailer, and mailparser reads it back.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freePort } from '../helpers/postgres.js';
import { linkOf, TestSmtpServer } from '../helpers/smtp.js';

const HOUR = 3_600_000;
let h: Harness | undefined;
let smtp: TestSmtpServer | undefined;
afterEach(async () => {
  await h?.close();
  await smtp?.stop();
  h = smtp = undefined;
});

/** A harness mailing through a test SMTP server (STARTTLS with its self-signed certificate). */
async function withSmtp(options: { serverUp?: boolean; mailTemplates?: string } = {}) {
  smtp = new TestSmtpServer();
  const port = options.serverUp === false ? await freePort() : await smtp.start();
  h = await startHarness({ mail: `smtp://127.0.0.1:${port}?tls.rejectUnauthorized=false`, mailTemplates: options.mailTemplates });
  return { h, smtp, port };
}

const invitesUrl = (x: Harness, orgId = x.orgId) => `/instances/${x.instanceId}/orgs/${orgId}/invites`;
const invite = (x: Harness, email: string, token = x.tokens.admin, orgId = x.orgId) =>
  x.request({ method: 'POST', url: invitesUrl(x, orgId), token, body: { email, role: 'edit' } });
const inviteId = async (x: Harness, email: string) =>
  (await x.request({ method: 'GET', url: `${invitesUrl(x)}?filterField=email&filter=${email}`, token: x.tokens.admin })).body.items[0].id as string;

describe('delivery over SMTP', () => {
  it('an invite arrives once, with recipient, subject, both parts and a working link, over STARTTLS', async () => {
    const { h, smtp } = await withSmtp();
    expect((await invite(h, 'Ada@Example.com')).status).toBe(201);
    await h.gh.worker.drain();
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(1);
    const [mail] = smtp.messages;
    expect(mail.secure).toBe(true);
    expect(mail.to).toMatchObject({ value: [{ address: 'ada@example.com' }] });
    expect(mail.from?.value).toEqual([{ name: 'Gatehouse', address: 'no-reply@localhost' }]);
    expect(mail.subject).toBe('You are invited to join Acme');
    expect(mail.text).toContain('with the role "edit"');
    expect(mail.text).toMatch(/expires on \w+ \d{1,2}, \d{4} at \d{1,2}:\d\d [AP]M UTC\./);
    expect(mail.headers.get('content-language')).toBe('en');
    expect(mail.html).toContain('<a href="http://gatehouse.test/accept?token=');
    const { token, email } = linkOf(mail);
    expect(email).toBe('ada@example.com');
    expect(mail.html).toContain(token);
    const info = await h.request({ method: 'GET', url: `/invites?token=${token}&email=${email}` });
    expect(info).toMatchObject({ status: 200, body: { orgName: 'Acme', role: 'edit' } });
    // The invite shows its delivery, and the outbox forgot the link once it was sent.
    const id = await inviteId(h, 'ada@example.com');
    expect((await h.request({ method: 'GET', url: `${invitesUrl(h)}/${id}`, token: h.tokens.admin })).body.mailStatus).toBe('sent');
    expect((await h.gh.admin.undeliveredMail()).length).toBe(0);
  });

  it('reuses one connection for many messages', async () => {
    const { h, smtp } = await withSmtp();
    for (let n = 0; n < 5; n++) await invite(h, `pooled-${n}@example.com`);
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(5);
    expect(smtp.connections).toBe(1);
  });

  it('names the inviter when the token acts for a user', async () => {
    const { h, smtp } = await withSmtp();
    await invite(h, 'by-user@example.com', h.tokens.userAdmin);
    await h.gh.worker.drain();
    expect(smtp.messages[0].text).toMatch(/^Ida \(instance-admin@example.com\) invited you/);
  });

  it('SMTP down at invite time, up a little later: the mail arrives, once', async () => {
    const { h, smtp, port } = await withSmtp({ serverUp: false });
    expect((await invite(h, 'patient@example.com')).status).toBe(201);
    await h.gh.worker.drain();
    const [queued] = await h.gh.admin.undeliveredMail();
    expect(queued).toMatchObject({ status: 'queued', attempts: 1, lastError: expect.stringMatching(/ECONNREFUSED|connect/i) });
    expect(Date.parse(queued.nextAttemptAt)).toBeGreaterThan(h.now().getTime());
    await smtp.start(port);
    await h.gh.worker.drain(); // not due yet
    expect(smtp.messages).toHaveLength(0);
    h.advance(HOUR);
    await h.gh.worker.drain();
    h.advance(HOUR);
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].to).toMatchObject({ value: [{ address: 'patient@example.com' }] });
  });

  it('451 then 250: retried and delivered', async () => {
    const { h, smtp } = await withSmtp();
    smtp.answer = (_to, attempt) => (attempt === 1 ? { code: 451, message: 'Greylisted, try later' } : null);
    await invite(h, 'grey@example.com');
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(0);
    const id = await inviteId(h, 'grey@example.com');
    expect((await h.request({ method: 'GET', url: `${invitesUrl(h)}/${id}`, token: h.tokens.admin })).body.mailStatus).toBe('queued');
    h.advance(HOUR);
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(1);
  });

  it('550: marked failed with the reason, not retried; mail retry sends it again', async () => {
    const { h, smtp } = await withSmtp();
    smtp.answer = () => ({ code: 550, message: 'No such user here' });
    await invite(h, 'nobody@example.com');
    await h.gh.worker.drain();
    h.advance(24 * HOUR);
    await h.gh.worker.drain();
    const [failed] = await h.gh.admin.undeliveredMail();
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });
    const id = await inviteId(h, 'nobody@example.com');
    const shown = await h.request({ method: 'GET', url: `${invitesUrl(h)}/${id}`, token: h.tokens.admin });
    expect(shown.body).toMatchObject({ mailStatus: 'failed', mailError: expect.stringContaining('No such user here') });
    // The operator fixes the mailbox and re-queues the message.
    smtp.answer = () => null;
    await h.gh.admin.retryMail(failed.id);
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(1);
    await expect(h.gh.admin.retryMail(failed.id)).rejects.toThrow(/not found/);
  });

  it.each(['revoke', 'resend', 'expiry'])('failed mail of an invite ended by %s is never sent: cancelled, and mail retry refuses it', async (end) => {
    const { h, smtp } = await withSmtp();
    smtp.answer = () => ({ code: 550, message: 'Mailbox full' });
    await invite(h, 'dead-link@example.com');
    await h.gh.worker.drain();
    const [failed] = await h.gh.admin.undeliveredMail();
    expect(failed.status).toBe('failed');
    const id = await inviteId(h, 'dead-link@example.com');
    if (end === 'revoke') await h.request({ method: 'DELETE', url: `${invitesUrl(h)}/${id}`, token: h.tokens.admin });
    if (end === 'resend') await h.request({ method: 'POST', url: `${invitesUrl(h)}/${id}`, token: h.tokens.admin, body: { role: 'edit' } });
    if (end === 'expiry') h.advance(8 * 24 * HOUR);
    smtp.answer = () => null;
    if (end === 'expiry') {
      await expect(h.gh.admin.retryMail(failed.id)).rejects.toMatchObject({ code: 'mail_not_retryable' });
    } else {
      expect((await h.gh.store.getMail(failed.id))?.status).toBe('cancelled');
      await expect(h.gh.admin.retryMail(failed.id)).rejects.toMatchObject({ code: 'not_found' });
    }
    await h.gh.worker.drain();
    const links = smtp.messages.map((m) => linkOf(m).token);
    // Only a resend's own new mail may arrive; the failed one with its dead link never does.
    expect(links).toHaveLength(end === 'resend' ? 1 : 0);
    if (end === 'resend') expect((await h.request({ method: 'GET', url: `/invites?token=${links[0]}&email=dead-link%40example.com` })).status).toBe(200);
  });

  it('revoke before delivery: nothing arrives', async () => {
    const { h, smtp } = await withSmtp();
    await invite(h, 'revoked@example.com');
    const id = await inviteId(h, 'revoked@example.com');
    await h.request({ method: 'DELETE', url: `${invitesUrl(h)}/${id}`, token: h.tokens.admin });
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(0);
  });

  it('resend before delivery: only the new link arrives, and it works', async () => {
    const { h, smtp } = await withSmtp();
    await invite(h, 'twice@example.com');
    const id = await inviteId(h, 'twice@example.com');
    await h.request({ method: 'POST', url: `${invitesUrl(h)}/${id}`, token: h.tokens.admin, body: { role: 'admin' } });
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].text).toContain('with the role "admin"');
    const { token, email } = linkOf(smtp.messages[0]);
    expect((await h.request({ method: 'POST', url: '/invites', body: { token, email, accept: true } })).status).toBe(200);
  });

  it('escapes HTML in inserted values and keeps line breaks out of headers', async () => {
    const { h, smtp } = await withSmtp();
    // The CLI refuses control characters in names; the store is written directly to prove the
    // mail is safe even so.
    const org = { id: 'abcabcabcabcabcabcabcabc', instanceId: h.instanceId, name: '<script>alert("x")</script> & Sons\r\nBcc: evil@example.com', memberLimit: null, inviteTtlMs: null, description: null, iconColor: null, locale: null, createdAt: h.now().toISOString(), updatedAt: h.now().toISOString() };
    await h.gh.store.insertOrg(org);
    expect((await invite(h, 'safe@example.com', h.tokens.admin, org.id)).status).toBe(201);
    await h.gh.worker.drain();
    const [mail] = smtp.messages;
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Sons');
    expect(mail.subject).toBe('You are invited to join <script>alert("x")</script> & Sons Bcc: evil@example.com');
    expect(mail.bcc).toBeUndefined();
    expect(mail.to).toMatchObject({ value: [{ address: 'safe@example.com' }] });
  });

  it('refuses CR/LF in an email address at the API, before any mail exists', async () => {
    const { h, smtp } = await withSmtp();
    const res = await invite(h, 'a@example.com\r\nBcc: b@example.com');
    expect(res.status).toBe(400);
    await h.gh.worker.drain();
    expect(smtp.messages).toHaveLength(0);
    expect(await h.gh.admin.undeliveredMail()).toEqual([]);
  });

  it('uses the templates of GATEHOUSE_MAIL_TEMPLATES where present, the built-in ones elsewhere', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-templates-'));
    await writeFile(join(dir, 'invite.subject.txt'), 'Welcome aboard {{orgName}}, {{email}}\n');
    await writeFile(join(dir, 'invite.html'), '<p>Join <b>{{orgName}}</b>: <a href="{{link}}">here</a></p>');
    try {
      const { h, smtp } = await withSmtp({ mailTemplates: dir });
      await invite(h, 'custom@example.com');
      await h.gh.worker.drain();
      const [mail] = smtp.messages;
      expect(mail.subject).toBe('Welcome aboard Acme, custom@example.com');
      expect(mail.html).toMatch(/^<p>Join <b>Acme<\/b>: <a href="http:\/\/gatehouse\.test\/accept\?token=[^"]+&amp;email=custom%40example\.com">here<\/a><\/p>/);
      expect(mail.text).toContain('invited you to join the organization "Acme"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('logs carry message ids, never invite tokens', async () => {
    const { h, smtp } = await withSmtp();
    await invite(h, 'logged@example.com');
    await h.gh.worker.drain();
    const { token } = linkOf(smtp.messages[0]);
    expect(h.logs()).toMatch(/"mailId":"[0-9a-f]{24}".*invitation mail delivered/);
    expect(h.logs()).not.toContain(token);
  });
});
