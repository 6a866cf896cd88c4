import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';
import { addMember, createInvite, freshEmail, latestEventId } from '../helpers/routes.js';
import { WebhookReceiver } from '../helpers/webhook-receiver.js';

let h: Harness;
let receiver: WebhookReceiver;
beforeAll(async () => {
  h = await startHarness({ memberLimit: 1000, env: { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' } });
  receiver = await new WebhookReceiver().start();
});
afterAll(async () => {
  await receiver.stop();
  await h.close();
});

const hooks = () => `/instances/${h.instanceId}/webhooks`;
const org = () => `/instances/${h.instanceId}/orgs/${h.orgId}`;
const drain = () => h.gh.webhookWorker.drain();

/** A fresh endpoint at the receiver; every other endpoint is deleted so that tests do not see each other's deliveries. */
async function endpoint(body: Record<string, unknown> = {}, url = receiver.url) {
  for (const { id } of (await h.request({ method: 'GET', url: hooks(), token: h.tokens.admin })).body.items) {
    await h.request({ method: 'DELETE', url: `${hooks()}/${id}`, token: h.tokens.admin });
  }
  const res = await h.request({ method: 'POST', url: hooks(), token: h.tokens.admin, body: { url, ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  receiver.secrets = [res.body.secret];
  return res.body as { id: string; secret: string; url: string; enabled: boolean };
}

beforeEach(() => {
  receiver.received.length = 0;
  receiver.rejected.length = 0;
  receiver.status = 200;
});

describe('webhook endpoints', () => {
  it('create answers the secret once; list and get never show it, not even to the token that made it', async () => {
    const created = await endpoint({ events: ['member.added'], description: 'Provision seats' });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ url: receiver.url, events: ['member.added'], description: 'Provision seats', enabled: true, instanceId: h.instanceId });
    for (const token of [h.tokens.admin, h.tokens.read]) {
      const list = await h.request({ method: 'GET', url: hooks(), token });
      const one = await h.request({ method: 'GET', url: `${hooks()}/${created.id}`, token });
      expect(list.status).toBe(200);
      expect(one.status).toBe(200);
      expect(JSON.stringify([list.body, one.body])).not.toContain(created.secret.slice(6, 20));
      expect(one.body.secret).toBeUndefined();
    }
    expect(h.logs()).not.toContain(created.secret.slice(6, 20));
    const audit = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/audit-logs?perPage=1`, token: h.tokens.admin });
    expect(audit.body.items[0]).toMatchObject({ action: 'instanceWebhooks.post', targetId: created.id });
    expect(JSON.stringify(audit.body)).not.toContain(created.secret.slice(6, 20));
  });

  it('read-only tokens may not create, change, rotate, redeliver or delete; another instance sees nothing', async () => {
    const created = await endpoint();
    const writes = [
      { method: 'POST' as const, url: hooks(), body: { url: receiver.url } },
      { method: 'PATCH' as const, url: `${hooks()}/${created.id}`, body: { enabled: false } },
      { method: 'POST' as const, url: `${hooks()}/${created.id}/rotate` },
      { method: 'POST' as const, url: `${hooks()}/${created.id}/redeliver`, body: { eventId: created.id } },
      { method: 'DELETE' as const, url: `${hooks()}/${created.id}` },
    ];
    const before = await h.snapshot();
    for (const write of writes) expect((await h.request({ ...write, token: h.tokens.read })).status, write.url).toBe(403);
    expect(await h.snapshot()).toBe(before);
    const foreign = await h.request({ method: 'GET', url: `/instances/${h.instanceId}/webhooks/${created.id}`, token: h.tokens.otherInstance });
    expect(foreign.status).toBe(403);
  });

  it('refuses URLs that are not http(s), carry credentials, or name an org of another instance, with a clear 400 that changes nothing', async () => {
    const before = await h.snapshot();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ url: 'ftp://example.com/hook' }, /http or https/],
      [{ url: 'not a url' }, /absolute http or https URL/],
      [{ url: 'https://user:pw@example.com/hook' }, /user name or password/],
      [{ url: 'https://example.com/hook', orgId: h.foreignOrgId }, /no such organization/],
      [{ url: 'https://example.com/hook', events: ['invite.exploded'] }, /events/],
    ];
    for (const [body, message] of cases) {
      const res = await h.request({ method: 'POST', url: hooks(), token: h.tokens.admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    expect(await h.snapshot()).toBe(before);
  });
});

describe('delivery', () => {
  it('POSTs each event with the Standard Webhooks headers, verified by the standardwebhooks package', async () => {
    await endpoint();
    const invite = await createInvite(h);
    await drain();
    expect(receiver.rejected).toEqual([]);
    const [delivered] = receiver.ofType('invite.created');
    expect(delivered.event).toMatchObject({ type: 'invite.created', data: { inviteId: invite.id, email: invite.email } });
    expect(delivered.id).toBe(delivered.event.id);
    expect(delivered.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(delivered.headers['content-type']).toBe('application/json');
    expect(Math.abs(delivered.timestamp - h.now().getTime() / 1000)).toBeLessThan(2);
  });

  it('only the event types and the org an endpoint asks for', async () => {
    await endpoint({ events: ['member.added'], orgId: h.orgId });
    await createInvite(h);
    await addMember(h);
    await h.request({ method: 'POST', url: `/instances/${h.instanceId}/orgs/${h.otherOrgId}/members`, token: h.tokens.admin, body: { email: freshEmail(), role: 'view' } });
    await drain();
    expect(receiver.received.map((r) => [r.event.type, r.event.data.orgId])).toEqual([['member.added', h.orgId]]);
  });

  it('a failure is retried with the same webhook-id and a fresh signature, and the log shows every attempt', async () => {
    const webhook = await endpoint();
    receiver.status = 503;
    await createInvite(h);
    await drain();
    expect(receiver.received).toHaveLength(1);
    const log = await h.request({ method: 'GET', url: `${hooks()}/${webhook.id}/deliveries`, token: h.tokens.read });
    expect(log.status).toBe(200);
    expect(log.body).toMatchObject({ webhookId: webhook.id, count: 1, pending: 1 });
    const [first] = log.body.items;
    expect(first).toMatchObject({ statusCode: 503, excerpt: 'nope 503', deliveryStatus: 'queued', eventType: 'invite.created' });
    expect(first.durationMs).toBeGreaterThanOrEqual(0);
    // The first retry is due about 5 s later (±20%).
    const due = new Date(first.nextAttemptAt).getTime() - new Date(first.at).getTime();
    expect(due).toBeGreaterThanOrEqual(4000);
    expect(due).toBeLessThanOrEqual(6000);
    await drain();
    expect(receiver.received).toHaveLength(1);

    receiver.status = 204;
    h.advance(6000);
    await drain();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].id).toBe(receiver.received[0].id);
    expect(receiver.received[1].body).toBe(receiver.received[0].body);
    expect(receiver.received[1].timestamp).toBeGreaterThan(receiver.received[0].timestamp);
    const after = await h.request({ method: 'GET', url: `${hooks()}/${webhook.id}/deliveries`, token: h.tokens.admin });
    expect(after.body.items.map((a: any) => [a.statusCode, a.deliveryStatus])).toEqual([[204, 'delivered'], [503, 'delivered']]);
    expect(after.body.items[0].nextAttemptAt).toBeUndefined();
    expect(after.body.pending).toBe(0);
  });

  it('a 410 disables the endpoint: no more deliveries until it is enabled again', async () => {
    const webhook = await endpoint();
    receiver.status = 410;
    await createInvite(h);
    await drain();
    const gone = await h.request({ method: 'GET', url: `${hooks()}/${webhook.id}`, token: h.tokens.admin });
    expect(gone.body).toMatchObject({ enabled: false, disabledReason: 'The endpoint answered 410 Gone' });
    receiver.status = 200;
    await createInvite(h);
    await drain();
    expect(receiver.received).toHaveLength(1);
    const enabled = await h.request({ method: 'PATCH', url: `${hooks()}/${webhook.id}`, token: h.tokens.admin, body: { enabled: true } });
    expect(enabled.body.enabled).toBe(true);
    expect(enabled.body.disabledReason).toBeUndefined();
    await createInvite(h);
    await drain();
    expect(receiver.received).toHaveLength(2);
  });

  it('redirects are not followed: a 3xx is a failed attempt', async () => {
    const target = await new WebhookReceiver().start();
    const redirector = await new WebhookReceiver().start();
    try {
      const webhook = await endpoint({}, redirector.url);
      redirector.secrets = receiver.secrets;
      redirector.status = 307;
      await createInvite(h);
      await drain();
      expect(redirector.received.length).toBeGreaterThan(0);
      expect(target.received).toEqual([]);
      const log = await h.request({ method: 'GET', url: `${hooks()}/${webhook.id}/deliveries`, token: h.tokens.admin });
      expect(log.body.items[0]).toMatchObject({ statusCode: 307, deliveryStatus: 'queued' });
    } finally {
      await target.stop();
      await redirector.stop();
    }
  });

  it('rotation: for 24 hours both secrets sign, each verifies on its own; then only the new one', async () => {
    const webhook = await endpoint();
    const old = webhook.secret;
    const rotated = await h.request({ method: 'POST', url: `${hooks()}/${webhook.id}/rotate`, token: h.tokens.admin });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(old);
    expect(rotated.body.previousSecretExpiresAt).toBe(new Date(h.now().getTime() + 86_400_000).toISOString());
    receiver.secrets = [old, rotated.body.secret];
    await createInvite(h);
    await drain();
    const [during] = receiver.received;
    expect(during.signature.split(' ')).toHaveLength(2);
    expect(during.verifiedBy).toEqual([old, rotated.body.secret]);

    h.advance(86_400_000 + 1000);
    await createInvite(h);
    await drain();
    // The harness clock moved a day: the receiver would refuse the timestamp, so check the signatures alone.
    const after = receiver.rejected.at(-1) ?? receiver.received.at(-1)!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    h.advance(-(86_400_000 + 1000));
  });

  it('redeliver sends an event again with its webhook-id; another org\'s event is not found for an org endpoint', async () => {
    const webhook = await endpoint();
    await createInvite(h);
    await drain();
    const eventId = await latestEventId(h);
    const res = await h.request({ method: 'POST', url: `${hooks()}/${webhook.id}/redeliver`, token: h.tokens.admin, body: { eventId } });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ deliveryId: expect.stringMatching(/^[0-9a-f]{24}$/), eventId });
    await drain();
    expect(receiver.received.filter((r) => r.id === eventId)).toHaveLength(2);

    const scoped = await endpoint({ orgId: h.otherOrgId });
    const refused = await h.request({ method: 'POST', url: `${hooks()}/${scoped.id}/redeliver`, token: h.tokens.admin, body: { eventId } });
    expect(refused.status).toBe(404);
    const unknown = await h.request({ method: 'POST', url: `${hooks()}/${webhook.id}/redeliver`, token: h.tokens.admin, body: { eventId: '000000000000000000000000' } });
    expect(unknown.status).toBe(404);
  });

  it('an endpoint that answers slowly holds back only its own deliveries', async () => {
    const slow = await new WebhookReceiver().start();
    try {
      await endpoint({ events: ['invite.created'] }, slow.url);
      slow.secrets = receiver.secrets;
      slow.delayMs = 2000;
      const fast = await h.request({ method: 'POST', url: hooks(), token: h.tokens.admin, body: { url: receiver.url, events: ['member.added'] } });
      receiver.secrets = [fast.body.secret];
      await createInvite(h);
      const started = Date.now();
      const draining = drain();
      await new Promise((r) => setTimeout(r, 200));
      await addMember(h);
      h.gh.webhookWorker.kick();
      const arrived = await new Promise<number>((resolve) => {
        const poll = setInterval(() => {
          if (receiver.received.length > 0) {
            clearInterval(poll);
            resolve(Date.now() - started);
          }
        }, 20);
      });
      // Delivered while the slow endpoint still had its request open.
      expect(arrived).toBeLessThan(1500);
      expect(slow.received).toHaveLength(1);
      await draining;
      expect(receiver.ofType('member.added')).toHaveLength(1);
    } finally {
      await slow.stop();
    }
  });

  it('disabling an endpoint while an attempt is out: the attempt is logged, no retry follows', async () => {
    const webhook = await endpoint();
    receiver.status = 500;
    receiver.delayMs = 500;
    try {
      await createInvite(h);
      const draining = drain();
      while (receiver.received.length === 0) await new Promise((r) => setTimeout(r, 20));
      await h.request({ method: 'PATCH', url: `${hooks()}/${webhook.id}`, token: h.tokens.admin, body: { enabled: false } });
      await draining;
      h.advance(10_000);
      await drain();
      expect(receiver.received).toHaveLength(1);
      const log = await h.request({ method: 'GET', url: `${hooks()}/${webhook.id}/deliveries`, token: h.tokens.admin });
      expect(log.body.items.map((a: any) => [a.statusCode, a.deliveryStatus])).toEqual([[500, 'cancelled']]);
      expect(log.body.pending).toBe(0);
    } finally {
      receiver.delayMs = 0;
    }
  });

  it('deleting an endpoint stops its deliveries', async () => {
    const webhook = await endpoint();
    receiver.status = 500;
    await createInvite(h);
    await drain();
    expect((await h.request({ method: 'DELETE', url: `${hooks()}/${webhook.id}`, token: h.tokens.admin })).status).toBe(200);
    h.advance(10_000);
    await drain();
    expect(receiver.received).toHaveLength(1);
    expect((await h.request({ method: 'GET', url: `${hooks()}/${webhook.id}`, token: h.tokens.admin })).status).toBe(404);
  });
});

describe('server-side request forgery (the default policy)', () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await startHarness();
  });
  afterAll(() => strict.close());

  it.each(['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://[::1]/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.5/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::ffff:127.0.0.1]/'])(
    '%s is refused with 400 webhook_url_refused, naming the setting that allows it',
    async (url) => {
      const before = await strict.snapshot();
      const res = await strict.request({ method: 'POST', url: `/instances/${strict.instanceId}/webhooks`, token: strict.tokens.admin, body: { url } });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('webhook_url_refused');
      expect(res.body.message).toContain('GATEHOUSE_WEBHOOK_ALLOW_PRIVATE');
      expect(await strict.snapshot()).toBe(before);
    },
  );

  it('a URL changed to a loopback address is refused too', async () => {
    const res = await strict.request({ method: 'POST', url: `/instances/${strict.instanceId}/webhooks`, token: strict.tokens.admin, body: { url: 'https://hooks.example.com/x' } });
    const patch = await strict.request({ method: 'PATCH', url: `/instances/${strict.instanceId}/webhooks/${res.body.id}`, token: strict.tokens.admin, body: { url: 'http://127.0.0.1/' } });
    expect(patch.status).toBe(400);
    expect(patch.body.code).toBe('webhook_url_refused');
  });
});
