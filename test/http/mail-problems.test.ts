/**
 * The mail-problems API over real SMTP: an smtp-server in this process refuses or accepts
 * what the outbox worker sends, and the instance's admins see and retry the failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freePort } from '../helpers/postgres.js';
import { freshEmail } from '../helpers/routes.js';
import { TestSmtpServer } from '../helpers/smtp.js';

let h: Harness;
let smtp: TestSmtpServer;
let refused: Harness;

beforeAll(async () => {
  smtp = new TestSmtpServer();
  const port = await smtp.start();
  h = await startHarness({ mail: `smtp://127.0.0.1:${port}?tls.rejectUnauthorized=false` });
  // Nothing listens on this port: every attempt fails with a connection error, to be retried.
  refused = await startHarness({ mail: `smtp://127.0.0.1:${await freePort()}` });
});
afterAll(async () => {
  await h?.close();
  await refused?.close();
  await smtp?.stop();
});

const mailUrl = (x: Harness, query = '') => `/instances/${x.instanceId}/mail${query}`;
const retryUrl = (x: Harness, id: string, instanceId = x.instanceId) => `/instances/${instanceId}/mail/${id}/retry`;
const invite = async (x: Harness, email: string, orgId = x.orgId) => {
  const res = await x.request({ method: 'POST', url: `/instances/${x.instanceId}/orgs/${orgId}/invites`, token: x.tokens.admin, body: { email, role: 'view' } });
  expect(res.status).toBe(201);
  return res.body.items.find((i: { email: string }) => i.email === email).id as string;
};
const messageOf = async (x: Harness, inviteId: string) => (await x.request({ method: 'GET', url: mailUrl(x), token: x.tokens.admin })).body.items.find((m: { inviteId: string }) => m.inviteId === inviteId);

/** An invite whose mail the SMTP server refused (550): failed for good. */
async function failedInvite(email = freshEmail('nobody')) {
  smtp.answer = (to) => (to === email ? { code: 550, message: `No such user here: ${to}` } : null);
  const inviteId = await invite(h, email);
  await h.gh.worker.drain();
  smtp.answer = () => null;
  return { email, inviteId, message: await messageOf(h, inviteId) };
}

describe('GET /instances/{instanceId}/mail', () => {
  it('lists refused mail as failed with the server’s reason, never a body or the invite link', async () => {
    const { email, inviteId, message } = await failedInvite();
    expect(message).toMatchObject({ inviteId, orgId: h.orgId, to: email, subject: 'You are invited to join Acme', status: 'failed', attempts: 1 });
    expect(message.lastError).toContain('No such user here');
    expect(message.nextAttemptAt).toBeUndefined();
    const res = await h.request({ method: 'GET', url: mailUrl(h, '?status=failed'), token: h.tokens.read });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ instanceId: h.instanceId, status: 'failed', page: 0, perPage: 100 });
    expect(res.body.totalCount).toBeGreaterThanOrEqual(1);
    const text = JSON.stringify(res.body);
    expect(text).not.toMatch(/token=|accept\?|"text"|"html"/);
  });

  it('lists mail waiting for a retry (the server cannot be reached) with its next attempt, newest first, by status and org', async () => {
    const first = await invite(refused, freshEmail('first'));
    const second = await invite(refused, freshEmail('second'), refused.otherOrgId);
    await refused.gh.worker.drain();
    const all = await refused.request({ method: 'GET', url: mailUrl(refused), token: refused.tokens.admin });
    expect(all.body.items.map((m: { inviteId: string }) => m.inviteId)).toEqual([second, first]);
    expect(all.body.items[0]).toMatchObject({ status: 'retrying', attempts: 1, orgId: refused.otherOrgId, lastError: expect.stringMatching(/ECONNREFUSED|connect/i) });
    expect(Date.parse(all.body.items[0].nextAttemptAt)).toBeGreaterThan(refused.now().getTime());
    const byOrg = await refused.request({ method: 'GET', url: mailUrl(refused, `?orgId=${refused.orgId}&status=retrying`), token: refused.tokens.admin });
    expect(byOrg.body).toMatchObject({ totalCount: 1, orgId: refused.orgId, items: [{ inviteId: first }] });
    expect((await refused.request({ method: 'GET', url: mailUrl(refused, '?status=failed'), token: refused.tokens.admin })).body.items).toEqual([]);
    const paged = await refused.request({ method: 'GET', url: mailUrl(refused, '?perPage=1&page=1'), token: refused.tokens.admin });
    expect(paged.body).toMatchObject({ count: 1, totalCount: 2, items: [{ inviteId: first }] });
  });

  it('never shows SMTP credentials or an invite token that a mail library put in an error', async () => {
    const inviteId = await invite(h, freshEmail('scrubbed'));
    const mail = (await h.gh.store.latestMailOf([inviteId])).get(inviteId)!;
    await h.gh.store.markMailFailed(mail.id, 'smtp://mailer:hunter2@mx.example.com refused AUTH PLAIN AG1haWxlcgBodW50ZXIy for http://gatehouse.test/accept?token=s3cr3t&email=x');
    const { lastError } = await messageOf(h, inviteId);
    expect(lastError).not.toMatch(/hunter2|AG1haWxlcgBodW50ZXIy|s3cr3t/);
    expect(lastError).toBe('smtp://[credentials]@mx.example.com refused AUTH PLAIN [redacted] for http://gatehouse.test/accept?token=[redacted]&email=x');
  });

  it('refuses bad input with a 400 in plain words, and another instance’s token', async () => {
    for (const query of ['?status=sent', '?orgId=nope', '?perPage=0', '?page=-1']) {
      const res = await h.request({ method: 'GET', url: mailUrl(h, query), token: h.tokens.admin });
      expect(res.status, query).toBe(400);
      expect(res.body.code).toBe('invalid_request');
    }
    expect((await h.request({ method: 'GET', url: mailUrl(h) })).status).toBe(401);
    expect((await h.request({ method: 'GET', url: mailUrl(h), token: h.tokens.otherInstance })).status).toBe(403);
  });
});

describe('POST /instances/{instanceId}/mail/{messageId}/retry', () => {
  it('sends failed mail again once the server accepts it: it arrives, leaves the list, and the retry is audited', async () => {
    const { email, inviteId, message } = await failedInvite();
    const res = await h.request({ method: 'POST', url: retryUrl(h, message.id), token: h.tokens.admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: message.id, status: 'retrying', attempts: 0, nextAttemptAt: h.now().toISOString() });
    await h.gh.worker.drain();
    const arrived = smtp.messages.filter((m) => m.to && !Array.isArray(m.to) && m.to.value[0].address === email);
    expect(arrived).toHaveLength(1);
    expect(await messageOf(h, inviteId)).toBeUndefined();
    const audit = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?action=instanceMailMessage.retry`, token: h.tokens.admin });
    expect(audit.body.items[0]).toMatchObject({ action: 'instanceMailMessage.retry', orgId: h.orgId, targetId: inviteId, email, details: { messageId: message.id, previousStatus: 'failed' } });
    // Delivered now: a second retry is refused.
    const again = await h.request({ method: 'POST', url: retryUrl(h, message.id), token: h.tokens.admin });
    expect(again).toMatchObject({ status: 409, body: { code: 'mail_not_retryable', message: expect.stringContaining('delivered') } });
  });

  it('refuses the mail of a revoked invite (never a dead link), and changes nothing', async () => {
    const { inviteId, message } = await failedInvite();
    expect((await h.request({ method: 'DELETE', url: `/instances/${h.instanceId}/orgs/${h.orgId}/invites/${inviteId}`, token: h.tokens.admin })).status).toBe(200);
    const before = smtp.messages.length;
    const res = await h.request({ method: 'POST', url: retryUrl(h, message.id), token: h.tokens.admin });
    expect(res).toMatchObject({ status: 409, body: { code: 'mail_not_retryable', message: expect.stringContaining('no longer pending') } });
    await h.gh.worker.drain();
    expect(smtp.messages.length).toBe(before);
  });

  it('retries mail waiting for a retry now, instead of at its next attempt', async () => {
    const inviteId = await invite(refused, freshEmail('now'));
    await refused.gh.worker.drain();
    const message = await messageOf(refused, inviteId);
    const res = await refused.request({ method: 'POST', url: retryUrl(refused, message.id), token: refused.tokens.admin });
    expect(res.body).toMatchObject({ status: 'retrying', attempts: 0, nextAttemptAt: refused.now().toISOString() });
  });

  it('is closed to read-only tokens, another instance, strangers and bad ids', async () => {
    const { message } = await failedInvite();
    const before = await h.snapshot();
    expect((await h.request({ method: 'POST', url: retryUrl(h, message.id), token: h.tokens.read })).status).toBe(403);
    expect((await h.request({ method: 'POST', url: retryUrl(h, message.id) })).status).toBe(401);
    expect((await h.request({ method: 'POST', url: retryUrl(h, message.id), token: h.tokens.otherInstance })).status).toBe(403);
    // The other instance's token, on its own instance: our message does not exist there.
    const foreignInstance = (await h.gh.store.getOrg(h.foreignOrgId))!.instanceId;
    const foreign = await h.request({ method: 'POST', url: retryUrl(h, message.id, foreignInstance), token: h.tokens.otherInstance });
    expect(foreign).toMatchObject({ status: 404, body: { code: 'not_found' } });
    const list = await h.request({ method: 'GET', url: `/instances/${foreignInstance}/mail`, token: h.tokens.otherInstance });
    expect(list.body.items).toEqual([]);
    const bad = await h.request({ method: 'POST', url: retryUrl(h, 'not-an-id'), token: h.tokens.admin });
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    const unknown = await h.request({ method: 'POST', url: retryUrl(h, 'a'.repeat(24)), token: h.tokens.admin });
    expect(unknown.status).toBe(404);
    expect(await h.snapshot()).toBe(before);
    expect((await messageOf(h, message.inviteId)).status).toBe('failed');
  });
});
