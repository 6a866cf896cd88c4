import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalEmail } from '../../src/contract/canonical.js';
import { parseEml } from '../../src/mail/eml.js';
import { requestFingerprint } from '../../src/http/write-safety.js';
import { type Harness, startHarness } from '../helpers/harness.js';
import { freshEmail } from '../helpers/routes.js';
import { HTTP_STORE, titled } from '../helpers/stores.js';

/**
 * `Idempotency-Key` on the API's writes (the IETF httpapi draft): the first answer for a key
 * and token is kept and replayed for a repeat of the same request, so a client that retries
 * after losing an answer does nothing twice; another request under the key is a 422, a repeat
 * while the first runs a 409. And a request whose first run died after writing is taken over
 * and answered from what that run wrote (the request journal).
 */
let h: Harness;
let token: string;
let tokenId: string;
beforeAll(async () => {
  h = await startHarness();
  const created = await h.gh.admin.createToken({ instanceId: h.instanceId, scopes: ['all.Instance'] });
  token = created.token;
  tokenId = created.id;
});
afterAll(() => h.close());

const invitesUrl = () => `/instances/${h.instanceId}/orgs/${h.orgId}/invites?perPage=1000`;
const post = (body: unknown, key?: string, bearer = token) =>
  h.request({ method: 'POST', url: invitesUrl(), token: bearer, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

async function invitesTo(email: string): Promise<number> {
  const list = await h.request({ method: 'GET', url: invitesUrl(), token });
  return list.body.items.filter((i: { email: string }) => i.email === canonicalEmail(email)).length;
}

async function mailTo(email: string): Promise<number> {
  await h.gh.worker.drain();
  let n = 0;
  for (const name of (await readdir(h.mailFolder).catch(() => [])).filter((f) => f.endsWith('.eml'))) {
    const mail = await parseEml(name, await readFile(join(h.mailFolder, name)));
    if (canonicalEmail(mail.to) === canonicalEmail(email)) n++;
  }
  return n;
}

async function auditedInvitesTo(email: string): Promise<number> {
  const log = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?action=instanceOrgInvites.post&perPage=1000`, token });
  return log.body.items.filter((e: { email: string }) => e.email === canonicalEmail(email)).length;
}

describe(titled(HTTP_STORE, `Idempotency-Key (${HTTP_STORE.name})`), () => {
  it('answers a repeat with the first answer, and invites, mails and audits once', async () => {
    const email = freshEmail();
    const first = await post({ email, role: 'view' }, 'key-once');
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post({ email, role: 'view' }, 'key-once');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.headers['content-type']).toMatch(/^application\/json/);
    expect(again.body).toEqual(first.body);
    expect(await invitesTo(email)).toBe(1);
    expect(await mailTo(email)).toBe(1);
    expect(await auditedInvitesTo(email)).toBe(1);
  });

  it('without a key, the same request is a new request (and here refused: already invited)', async () => {
    const email = freshEmail();
    expect((await post({ email, role: 'view' })).status).toBe(201);
    const again = await post({ email, role: 'view' });
    expect(again.status).toBe(400);
    expect(again.body.code).toBe('already_invited');
  });

  it('keeps a refusal too: the repeat gets the same 400, not a second try', async () => {
    const email = freshEmail();
    expect((await post({ email, role: 'view' })).status).toBe(201);
    const refused = await post({ email, role: 'view' }, 'key-refused');
    expect(refused.body.code).toBe('already_invited');
    const again = await post({ email, role: 'view' }, 'key-refused');
    expect(again).toMatchObject({ status: 400, body: refused.body });
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('accepts the key as a Structured Field string ("…") and as bare text alike', async () => {
    const email = freshEmail();
    expect((await post({ email, role: 'view' }, '"key-quoted"')).status).toBe(201);
    const again = await post({ email, role: 'view' }, 'key-quoted');
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('refuses another request under a used key with 422, and does nothing', async () => {
    const email = freshEmail();
    expect((await post({ email, role: 'view' }, 'key-reused')).status).toBe(201);
    const before = await h.snapshot();
    const other = await post({ email: freshEmail(), role: 'view' }, 'key-reused');
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ type: 'UnprocessableEntity', code: 'idempotency_key_reused' });
    // Another method or path under the key is another request too.
    const patch = await h.request({ method: 'PATCH', url: `/instances/${h.instanceId}/orgs/${h.orgId}`, token, body: { description: 'x' }, headers: { 'idempotency-key': 'key-reused' } });
    expect(patch.status).toBe(422);
    expect(await h.snapshot()).toBe(before);
  });

  it('refuses a repeat while the first request still runs with 409, and does nothing', async () => {
    const email = freshEmail();
    const body = { email, role: 'view' };
    // The first request holds the key (its lease is live) and has no answer yet.
    const now = Date.now();
    await h.gh.store.claimIdempotencyKey({
      key: `${tokenId}:key-running`,
      fingerprint: requestFingerprint('POST', invitesUrl(), body),
      owner: 'the-first-request',
      now: new Date(now).toISOString(),
      leaseUntil: new Date(now + 60_000).toISOString(),
      expiresAt: new Date(now + 86_400_000).toISOString(),
    });
    const repeat = await post(body, 'key-running');
    expect(repeat.status).toBe(409);
    expect(repeat.body).toMatchObject({ type: 'Conflict', code: 'idempotency_key_in_flight' });
    expect(await invitesTo(email)).toBe(0);
  });

  it('takes over a key whose first request died, and does what it had not done', async () => {
    const email = freshEmail();
    const body = { email, role: 'view' };
    const now = Date.now();
    // A request that took the key and died before writing anything: its lease ran out.
    await h.gh.store.claimIdempotencyKey({
      key: `${tokenId}:key-died`,
      fingerprint: requestFingerprint('POST', invitesUrl(), body),
      owner: 'a-request-that-died',
      now: new Date(now - 120_000).toISOString(),
      leaseUntil: new Date(now - 60_000).toISOString(),
      expiresAt: new Date(now + 86_400_000).toISOString(),
    });
    const repeat = await post(body, 'key-died');
    expect(repeat.status).toBe(201);
    expect(await invitesTo(email)).toBe(1);
    expect((await post(body, 'key-died')).headers['idempotent-replayed']).toBe('true');
  });

  it('keys are per token: the same key from another token is another key', async () => {
    const other = await h.token(['all.Instance']);
    const first = freshEmail();
    const second = freshEmail();
    expect((await post({ email: first, role: 'view' }, 'key-shared')).status).toBe(201);
    const theirs = await post({ email: second, role: 'view' }, 'key-shared', other);
    expect(theirs.status).toBe(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(await invitesTo(second)).toBe(1);
  });

  it('works on every kind of write: PATCH and DELETE too', async () => {
    const email = freshEmail();
    const created = await post({ email, role: 'view' }, 'key-for-delete-setup');
    const invite = created.body.items.find((i: { email: string }) => i.email === canonicalEmail(email));
    const url = `/instances/${h.instanceId}/orgs/${h.orgId}/invites/${invite.id}`;
    const first = await h.request({ method: 'DELETE', url, token, headers: { 'idempotency-key': 'key-delete' } });
    expect(first.status).toBe(200);
    const again = await h.request({ method: 'DELETE', url, token, headers: { 'idempotency-key': 'key-delete' } });
    // Without the key the second DELETE would be a 404: the invite is gone.
    expect(again).toMatchObject({ status: 200, body: first.body });
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('a token creation keeps its secret nowhere: a repeat of its key is a 409 naming the token, and no second token is made', async () => {
    const url = `/instances/${h.instanceId}/tokens`;
    const body = { scope: ['instanceOrgs.get'] };
    const first = await h.request({ method: 'POST', url, token, body, headers: { 'idempotency-key': 'key-token' } });
    expect(first.status).toBe(201);
    expect(first.body.token).toMatch(/^gh_/);
    const again = await h.request({ method: 'POST', url, token, body, headers: { 'idempotency-key': 'key-token' } });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: 'Conflict', code: 'idempotency_answer_not_kept' });
    expect(again.body.message).toContain(first.body.id);
    expect(JSON.stringify(again.body)).not.toContain(first.body.token);
    // Every row of the database: the secret is in none (only its hash is).
    expect(await h.snapshot()).not.toContain(first.body.token);
    const list = await h.request({ method: 'GET', url: `${url}?perPage=1000`, token });
    expect(list.body.items.filter((t: { scope: string[] }) => JSON.stringify(t.scope) === JSON.stringify(body.scope))).toHaveLength(1);
  });

  it('refuses a malformed key with 400 naming the header, and does nothing', async () => {
    const before = await h.snapshot();
    for (const bad of ['', 'x'.repeat(256), 'tab\there', 'ünïcode']) {
      const res = await post({ email: freshEmail(), role: 'view' }, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_request', field: 'Idempotency-Key' });
    }
    expect(await h.snapshot()).toBe(before);
  });

  it('a read-only token still gets its 403, and its key is not taken by it', async () => {
    const email = freshEmail();
    const refused = await post({ email, role: 'view' }, 'key-403', h.tokens.read);
    expect(refused.status).toBe(403);
    const again = await post({ email, role: 'view' }, 'key-403', h.tokens.read);
    expect(again.status).toBe(403);
    expect(again.headers['idempotent-replayed']).toBeUndefined();
  });
});
