/**
 * Webhooks end to end: real `gatehouse serve` children (SQLite, and two replicas on one
 * PostgreSQL database) deliver to a real receiver on loopback, which checks every delivery
 * with the `standardwebhooks` package as a receiving application would. What a user relies
 * on must hold through what goes wrong in production: a receiver down for half a minute, a
 * server killed mid-delivery, two replicas sharing the outbox, a 410, a secret rotation, and
 * URLs that point back into the server's own network.
 *
 * Every check of "all arrived" is against the event feed (GET /instances/{i}/events), paged
 * through to its end: each event the endpoint subscribes to is received at least once, and a
 * repeat is always the same event (same `webhook-id`, same body).
 */
import { lookup } from 'node:dns/promises';
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, describe, expect, it } from 'vitest';
import type { Event } from '../../src/contract/events.js';
import type { Webhook, WebhookAttempt, WebhookAttemptCollection, WebhookWithSecret } from '../../src/contract/webhooks.js';
import { envWith, killAll, type Server, serve } from '../helpers/cli.js';
import { type Answer, call, loadEnv } from '../helpers/load.js';
import { createDatabase, TEST_PG_URL } from '../helpers/postgres.js';
import { POSTGRES, titled } from '../helpers/stores.js';
import { type Received, WebhookReceiver } from '../helpers/webhook-receiver.js';
import { sleep, until } from '../helpers/wait.js';

/** Short pauses between attempts (the default starts 5s,5m,30m): 1+2+4+8·5 = 47 s of retries in all. */
const SCHEDULE = [1, 2, 4, 8, 8, 8, 8, 8];
const WEBHOOK_ENV = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: SCHEDULE.map((s) => `${s}s`).join(',') };

const dirs: string[] = [];
const receivers: WebhookReceiver[] = [];

afterAll(async () => {
  killAll();
  await Promise.all(receivers.map((r) => r.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A receiver that afterAll stops. */
async function receiver(): Promise<WebhookReceiver> {
  const r = await new WebhookReceiver().start();
  receivers.push(r);
  return r;
}

/** `serve` on a fresh SQLite file with file mail, no rate limits, and `extra` set. */
function sqliteEnv(name: string, extra: Record<string, string> = WEBHOOK_ENV): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), `gatehouse-e2e-webhooks-${name}-`));
  dirs.push(dir);
  return { ...loadEnv(join(dir, 'gatehouse.db'), join(dir, 'mail')), ...extra };
}

/** The instance a server bootstrapped, and the base URL to reach it (which changes on a restart). */
class Api {
  readonly instanceId: string;
  readonly orgId: string;
  readonly token: string;
  constructor(
    public base: string,
    created: NonNullable<Server['summary']['created']>,
  ) {
    ({ instanceId: this.instanceId, orgId: this.orgId, token: this.token } = created);
  }

  static of(server: Server): Api {
    expect(server.summary.created, 'the start-up summary of a fresh database names its instance').toBeDefined();
    return new Api(server.summary.url, server.summary.created!);
  }

  /** A request under /instances/{instanceId} with the start-up token. */
  req(method: string, path: string, body?: unknown, base = this.base): Promise<Answer> {
    return call(`${base}/instances/${this.instanceId}${path}`, method, { token: this.token, body });
  }

  async createWebhook(body: Record<string, unknown>): Promise<WebhookWithSecret> {
    const answer = await this.req('POST', '/webhooks', body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const created = answer.body as WebhookWithSecret;
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    return created;
  }

  async webhook(id: string): Promise<Webhook> {
    const answer = await this.req('GET', `/webhooks/${id}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body as Webhook;
  }

  /** Invites each email (role view), `concurrency` at a time, over the base URLs in turn; each must answer 201. */
  async invite(emails: string[], concurrency = 4, bases = [this.base]): Promise<void> {
    const failures: string[] = [];
    await pool([...emails.entries()], concurrency, async ([i, email]) => {
      const answer = await this.req('POST', `/orgs/${this.orgId}/invites`, { email, role: 'view' }, bases[i % bases.length]);
      if (answer.status !== 201) failures.push(`${email}: ${answer.status} ${JSON.stringify(answer.body)}`);
    });
    expect(failures, 'invites not answered 201').toEqual([]);
  }

  /** The whole event feed, paged through with `after` = `next` while `hasMore`. */
  async feed(): Promise<Event[]> {
    const events: Event[] = [];
    let after: string | undefined;
    for (;;) {
      const answer = await this.req('GET', `/events?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      events.push(...(answer.body.items as Event[]));
      after = answer.body.next as string;
      if (!answer.body.hasMore) return events;
    }
  }

  /** The endpoint's whole delivery log (newest first), and how many deliveries wait. */
  async attempts(webhookId: string): Promise<{ items: WebhookAttempt[]; pending: number }> {
    const items: WebhookAttempt[] = [];
    for (let page = 0; ; page++) {
      const answer = await this.req('GET', `/webhooks/${webhookId}/deliveries?perPage=1000&page=${page}`);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const body = answer.body as WebhookAttemptCollection;
      items.push(...body.items);
      if (body.items.length < 1000) return { items, pending: body.pending };
    }
  }
}

/** Runs `fn` on each item, `concurrency` at a time. */
async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

const emails = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}@example.com`);

/** Waits until the feed stops growing at `count` events or more (mail.sent events follow their invites). */
async function feedOf(api: Api, count: number, ms = 30_000): Promise<Event[]> {
  return until(`${count} events in the feed`, ms, async () => {
    const events = await api.feed();
    return events.length >= count ? events : undefined;
  });
}

/** Waits until every event of the feed has been received at least once; answers the feed. */
async function allReceived(api: Api, r: WebhookReceiver, minimum: number, ms: number): Promise<Event[]> {
  return until(`every event of the feed at the receiver`, ms, async () => {
    const events = await api.feed();
    const got = r.ids();
    return events.length >= minimum && events.every((e) => got.has(e.id)) ? events : undefined;
  });
}

/**
 * What every receiver may rely on: each event of the feed came (with its id as `webhook-id`
 * and the feed's own JSON as its body), nothing came unverified, nothing came that is not in
 * the feed, and the copies of one `webhook-id` are all the same event. Answers the copies per id.
 */
function expectDelivered(r: WebhookReceiver, events: Event[]): Map<string, Received[]> {
  expect(r.rejected, 'deliveries no secret verified').toEqual([]);
  const byId = new Map<string, Received[]>();
  for (const d of r.received) byId.set(d.id, [...(byId.get(d.id) ?? []), d]);
  const feedIds = new Set(events.map((e) => e.id));
  expect(events.filter((e) => !byId.has(e.id)).map((e) => `${e.type} ${e.id}`), 'events of the feed never received').toEqual([]);
  expect([...byId.keys()].filter((id) => !feedIds.has(id)), 'received ids that are not in the feed').toEqual([]);
  for (const e of events) {
    const copies = byId.get(e.id)!;
    // Duplicates are legitimate (at least once), but only as the same event: same id, same body.
    expect(new Set(copies.map((c) => c.body)).size, `distinct bodies delivered as webhook-id ${e.id}`).toBe(1);
    expect(copies[0].event, `the body of ${e.id} is the feed's event`).toEqual(e);
    for (const c of copies) {
      expect(c.headers['content-type']).toBe('application/json');
      expect(c.timestamp, 'webhook-timestamp (seconds)').toBeGreaterThan(Date.now() / 1000 - 600);
    }
  }
  return byId;
}

/** Which deliveries shared a webhook-id while both were in flight at the receiver. */
function overlaps(byId: Map<string, Received[]>): string[] {
  const found: string[] = [];
  for (const [id, copies] of byId) {
    const spans = copies.map((c) => [c.at, c.answeredAt ?? Infinity]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) if (spans[i][0] < spans[i - 1][1]) found.push(id);
  }
  return found;
}

/** The attempts of each delivery, oldest first. */
function byDelivery(items: WebhookAttempt[]): Map<string, WebhookAttempt[]> {
  const map = new Map<string, WebhookAttempt[]>();
  for (const a of [...items].sort((x, y) => x.at.localeCompare(y.at) || x.id.localeCompare(y.id))) map.set(a.deliveryId, [...(map.get(a.deliveryId) ?? []), a]);
  return map;
}

const ok = (a: WebhookAttempt) => a.statusCode !== undefined && a.statusCode >= 200 && a.statusCode < 300;

// -------------------------------------------------------------------------------------------
// SQLite: outages of the receiver and of the server. The two long tests wait on timers (the
// retry schedule, the 30 s lease), each on a server of its own, so they run side by side.

describe.concurrent('SQLite: at least once through outages', () => {
  it('the receiver is down for 30 s: every event arrives once it is back, after logged failed attempts', { timeout: 90_000 }, async ({ expect }) => {
    const server = await serve(sqliteEnv('outage'));
    const api = Api.of(server);
    const r = await receiver();
    const url = r.url;
    const hook = await api.createWebhook({ url, description: 'all events' });
    expect(hook).not.toHaveProperty('events');
    r.secrets = [hook.secret];
    await r.stop();

    await api.invite(emails('outage', 20));
    // 20 invite.created and 20 mail.sent (the file transport sends at once).
    const before = await feedOf(api, 40);
    expect(before).toHaveLength(40);
    await sleep(30_000);

    // Half a minute of refused connections: attempts logged without a status, none delivered.
    const down = await api.attempts(hook.id);
    expect(down.items.length, 'attempts while the receiver was down').toBeGreaterThanOrEqual(40);
    expect(down.items.filter((a) => a.statusCode !== undefined || a.error !== 'connection refused'), 'attempts that were not refused').toEqual([]);
    expect(down.pending, 'deliveries waiting').toBe(40);

    await r.start();
    expect(r.url, 'the receiver is back on the same port').toBe(url);
    const back = Date.now();
    // One step of the schedule (8 s ±20%) at most, plus a poll.
    const events = await allReceived(api, r, 40, 20_000);
    const caughtUpMs = Date.now() - back;
    await sleep(1500); // a late duplicate would show up here
    expect(events).toHaveLength(40);
    const copies = expectDelivered(r, events);
    expect(r.received.length, 'deliveries received (a duplicate would be legitimate, but none is expected)').toBeGreaterThanOrEqual(40);

    // The delivery log: per delivery, failed attempts (no statusCode, an error), then one 2xx.
    const log = await api.attempts(hook.id);
    expect(log.pending).toBe(0);
    const deliveries = byDelivery(log.items);
    expect(deliveries.size, 'deliveries (one per event)').toBe(40);
    expect(new Set([...deliveries.values()].map((a) => a[0].eventId))).toEqual(new Set(events.map((e) => e.id)));
    for (const [id, attempts] of deliveries) {
      const last = attempts[attempts.length - 1];
      const failed = attempts.slice(0, -1);
      expect(ok(last), `the last attempt of ${id}: ${JSON.stringify(last)}`).toBe(true);
      expect(last).toMatchObject({ deliveryStatus: 'delivered', excerpt: 'ok' });
      expect(last).not.toHaveProperty('nextAttemptAt');
      // Attempts at 0, ~1, ~3, ~7, ~15, ~23 s… (±20%): at least five fit in 30 s.
      expect(failed.length, `failed attempts of ${id}`).toBeGreaterThanOrEqual(5);
      for (const f of failed) {
        expect(f).not.toHaveProperty('statusCode');
        expect(f.error).toBe('connection refused');
        expect(f.nextAttemptAt, 'a failed attempt says when the next is due').toEqual(expect.any(String));
      }
      // The retries keep to the schedule (never sooner than its step less the 20% jitter).
      for (let k = 1; k < attempts.length; k++) {
        const gap = Date.parse(attempts[k].at) - Date.parse(attempts[k - 1].at);
        expect(gap, `pause before attempt ${k + 1} of ${id}`).toBeGreaterThanOrEqual(SCHEDULE[k - 1] * 800 - 50);
      }
    }
    // The copies of each id were sent as one delivery: a repeat only if an answer got lost.
    expect([...copies.values()].filter((c) => c.length > 1).length, 'events received twice').toBe(0);
    console.log(`[webhooks] receiver down 30 s: ${log.items.length} attempts for 40 deliveries; all in ${caughtUpMs} ms after it came back`);
    expect(await server.stop()).toBe(0);
  });

  it('SIGKILL while deliveries are in flight: after a restart every event arrives, the cut ones after the 30 s lease', { timeout: 120_000 }, async ({ expect }) => {
    const env = sqliteEnv('sigkill');
    let server = await serve(env);
    const api = Api.of(server);
    const r = await receiver();
    r.delayMs = 300; // deliveries stay in flight long enough to be cut
    const hook = await api.createWebhook({ url: r.url });
    r.secrets = [hook.secret];
    const member = (userId: string) => `/orgs/${api.orgId}/members/${userId}`;

    // Membership changes, which send no mail (the mail outbox has a lease of its own, 60 s):
    // 20 adds and 5 role changes before the kill, one at a time and a little apart so that
    // the worker sends them in several batches; 5 removals after the restart.
    const userIds: string[] = [];
    for (const email of emails('kill', 20)) {
      const added = await api.req('POST', `/orgs/${api.orgId}/members`, { email, role: 'view' });
      expect(added.status, JSON.stringify(added.body)).toBe(200);
      userIds.push(added.body.userId as string);
      await sleep(40);
    }
    for (const userId of userIds.slice(0, 5)) {
      expect((await api.req('PATCH', member(userId), { role: 'edit' })).status).toBe(200);
      await sleep(40);
    }

    // Kill while the worker has deliveries out (the receiver holds each for 300 ms).
    const cut = await until('a delivery in flight', 20_000, () => (r.inFlight().length > 0 ? r.inFlight() : undefined));
    const exited = new Promise((done) => server.child.once('exit', done));
    server.child.kill('SIGKILL');
    const killedAt = Date.now();
    await exited;
    expect(server.child.signalCode).toBe('SIGKILL');
    const cutIds = new Set(cut.map((c) => c.id));
    // All the receiver has taken in so far came from the killed server: some of it is still
    // read from the sockets after the kill.
    await sleep(200);
    const fromKilled = new Set(r.ids());
    const restartedAt = Date.now();

    server = await serve(env);
    expect(server.summary.created, 'a restart on the same file bootstraps nothing').toBeUndefined();
    api.base = server.summary.url;
    await pool(userIds.slice(5, 10), 5, async (userId) => expect((await api.req('DELETE', member(userId))).status).toBe(200));

    const events = await allReceived(api, r, 30, 60_000);
    const allAtMs = Date.now() - killedAt;
    // …and the deliveries the kill cut have been sent again (after their lease ran out): nothing waits.
    await until('no delivery waiting', 60_000, async () => ((await api.attempts(hook.id)).pending === 0 ? true : undefined));
    const doneMs = Date.now() - killedAt;
    await sleep(1500); // a late duplicate would show up here
    expect(events).toHaveLength(30);
    expect(events.map((e) => e.type).sort()).toEqual([...Array(20).fill('member.added'), ...Array(5).fill('member.removed'), ...Array(5).fill('member.updated')]);
    expect(fromKilled.size, 'events received from the killed server').toBeGreaterThan(0);
    expect(fromKilled.size, 'events received from the killed server (the removals came after it)').toBeLessThan(events.length);

    const copies = expectDelivered(r, events);
    // A delivery cut by the kill is sent again (at least once), when its lease has run out.
    for (const id of cutIds) {
      const seen = copies.get(id)!;
      expect(seen.length, `copies of ${id}, which was in flight at the kill`).toBeGreaterThanOrEqual(2);
      expect(seen[1].at - seen[0].at, `ms between the cut delivery of ${id} and its repeat`).toBeGreaterThanOrEqual(25_000);
    }
    // Repeats only of what the killed server had sent, and not before the lease.
    const repeated = [...copies].filter(([, c]) => c.length > 1);
    expect(repeated.filter(([id]) => !fromKilled.has(id)).map(([id]) => id), 'repeats of deliveries first sent by the restarted server').toEqual([]);
    expect(repeated.filter(([, c]) => c[1].at - killedAt < 25_000).map(([id]) => id), 'repeats sooner than the lease').toEqual([]);
    expect(overlaps(copies), 'webhook-ids in flight twice at once').toEqual([]);

    // The log: one 200 per delivery (an attempt the kill cut was never recorded).
    const log = await api.attempts(hook.id);
    expect(log.pending).toBe(0);
    const recordedBeforeKill = log.items.filter((a) => Date.parse(a.at) < killedAt).length;
    expect(recordedBeforeKill, 'deliveries done (and logged) before the kill').toBeGreaterThan(0);
    const deliveries = byDelivery(log.items);
    expect(deliveries.size, 'deliveries (one per event)').toBe(30);
    for (const [id, attempts] of deliveries) {
      expect(attempts.map((a) => a.statusCode), `statuses of delivery ${id}`).toEqual([200]);
      expect(attempts[0].deliveryStatus).toBe('delivered');
    }
    console.log(
      `[webhooks] SIGKILL: of 25 events before the kill ${recordedBeforeKill} delivered and logged, ${fromKilled.size - recordedBeforeKill} cut in flight ` +
        `(${cutIds.size} seen in flight, ${repeated.length} sent again), ${25 - fromKilled.size} still queued; ` +
        `every event by ${allAtMs} ms, the last repeat by ${doneMs} ms after the kill (restart took ${restartedAt - killedAt} ms to begin)`,
    );
    expect(await server.stop()).toBe(0);
  });
});

// -------------------------------------------------------------------------------------------
// SQLite: how an endpoint is managed, on one server.

describe('SQLite: 410, rotation and redelivery', () => {
  let server: Server;
  let api: Api;

  it('an endpoint answering 410 Gone is disabled after one attempt and gets nothing more; enabling it again resumes', { timeout: 60_000 }, async () => {
    server = await serve(sqliteEnv('manage'));
    api = Api.of(server);
    const r = await receiver();
    r.status = 410;
    const hook = await api.createWebhook({ url: r.url, events: ['invite.created'] });
    r.secrets = [hook.secret];

    await api.invite(['gone-0@example.com']);
    const first = await until('the 410 attempt in the log', 15_000, async () => {
      const log = await api.attempts(hook.id);
      return log.items.length > 0 && log.pending === 0 ? log : undefined;
    });
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({ statusCode: 410, deliveryStatus: 'failed', eventType: 'invite.created', excerpt: 'nope 410' });
    expect(first.items[0]).not.toHaveProperty('nextAttemptAt');
    const disabled = await api.webhook(hook.id);
    expect(disabled.enabled).toBe(false);
    expect(disabled.disabledReason).toMatch(/410/);
    const listed = await api.req('GET', '/webhooks');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: hook.id, enabled: false, disabledReason: disabled.disabledReason })]);

    // New changes: nothing for a disabled endpoint, not even queued.
    await api.invite(emails('gone-later', 3));
    await sleep(3000); // three polls, and past the first retry step
    expect(r.received, 'requests to the disabled endpoint').toHaveLength(1);
    const after = await api.attempts(hook.id);
    expect(after.items).toHaveLength(1);
    expect(after.pending).toBe(0);

    // Enabled by hand: the reason goes, and the next change is delivered.
    r.status = 200;
    const enabled = await api.req('PATCH', `/webhooks/${hook.id}`, { enabled: true });
    expect(enabled.status).toBe(200);
    expect(enabled.body.enabled).toBe(true);
    expect(enabled.body).not.toHaveProperty('disabledReason');
    await api.invite(['gone-back@example.com']);
    await until('a delivery after enabling', 10_000, () => (r.ofType('invite.created').some((d) => d.event.data.email === 'gone-back@example.com') ? true : undefined));
    expect(r.received.map((d) => d.event.data.email)).toEqual(['gone-0@example.com', 'gone-back@example.com']);
  });

  it('after a rotation each delivery carries two v1 signatures, and the old and the new secret each verify it', { timeout: 60_000 }, async () => {
    const r = await receiver();
    const hook = await api.createWebhook({ url: r.url, events: ['invite.created'] });
    const old = hook.secret;
    r.secrets = [old];
    await api.invite(['rotate-before@example.com']);
    const before = await until('the delivery before the rotation', 10_000, () => r.received[0]);
    expect(before.signature.split(' ')).toHaveLength(1);
    expect(before.signature).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(before.verifiedBy).toEqual([old]);

    const rotated = await api.req('POST', `/webhooks/${hook.id}/rotate`);
    expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
    const secret = (rotated.body as WebhookWithSecret).secret;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(old);
    const overlapEnds = Date.parse(rotated.body.previousSecretExpiresAt as string) - Date.now();
    expect(overlapEnds, 'ms until the old secret stops signing').toBeGreaterThan(23.9 * 3600_000);
    expect(overlapEnds).toBeLessThanOrEqual(24 * 3600_000);
    // Reads never show a secret.
    expect(await api.webhook(hook.id)).not.toHaveProperty('secret');

    r.secrets = [old, secret];
    await api.invite(['rotate-after@example.com']);
    const after = await until('the delivery after the rotation', 10_000, () => r.received.find((d) => d.event.data.email === 'rotate-after@example.com'));
    const parts = after.signature.split(' ');
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(p).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(parts[0]).not.toBe(parts[1]);
    // Verified by each secret on its own: a receiver that switched and one that did not yet.
    expect([...after.verifiedBy].sort()).toEqual([old, secret].sort());
    const headers = Object.fromEntries(Object.entries(after.headers).map(([k, v]) => [k, String(v)]));
    expect(() => new StandardWebhook(old).verify(after.body, headers)).not.toThrow();
    expect(() => new StandardWebhook(secret).verify(after.body, headers)).not.toThrow();

    // A redelivery of the event from before the rotation: the same webhook-id and body, both signatures.
    const again = await api.req('POST', `/webhooks/${hook.id}/redeliver`, { eventId: before.id });
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.eventId).toBe(before.id);
    const repeat = await until('the redelivery', 10_000, () => r.received.filter((d) => d.id === before.id)[1]);
    expect(repeat.body).toBe(before.body);
    expect(repeat.signature.split(' ')).toHaveLength(2);
    expect([...repeat.verifiedBy].sort()).toEqual([old, secret].sort());
    expect(r.rejected).toEqual([]);
    expect(await server.stop()).toBe(0);
  });
});

// -------------------------------------------------------------------------------------------
// The default address policy (no GATEHOUSE_WEBHOOK_ALLOW_PRIVATE): loopback is refused.

/** A host name other than localhost that resolves to loopback only (Debian maps the host's own name to 127.0.x.1), or null. */
async function loopbackName(): Promise<string | null> {
  for (const name of [hostname()]) {
    if (!name || name === 'localhost' || name.endsWith('.localhost')) continue;
    try {
      const addresses = await lookup(name, { all: true });
      if (addresses.length > 0 && addresses.every((a) => a.address.startsWith('127.') || a.address === '::1')) return name;
    } catch {
      // not resolvable here
    }
  }
  return null;
}
const LOOPBACK_NAME = await loopbackName();

describe('SSRF: a server with the default address policy', () => {
  it(
    `refuses endpoints on loopback, private and metadata addresses (400 webhook_url_refused)${LOOPBACK_NAME ? `, and refuses at delivery a name (${LOOPBACK_NAME}) that resolves to 127.0.0.1` : ' — the resolved-name part SKIPPED: no host name here resolves to loopback only'}`,
    { timeout: 60_000 },
    async () => {
      const server = await serve(sqliteEnv('ssrf', { GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '1s' }));
      const api = Api.of(server);
      const r = await receiver();
      const { port } = new URL(r.url);
      const refused = [
        `http://127.0.0.1:${port}/hooks`,
        `http://localhost:${port}/hooks`,
        `http://LOCALHOST:${port}/`,
        `http://hooks.localhost:${port}/`,
        `http://[::1]:${port}/`,
        `http://[::ffff:127.0.0.1]:${port}/`,
        `http://2130706433:${port}/`, // 127.0.0.1 as one number
        `http://0x7f.1:${port}/`,
        'http://169.254.169.254/latest/meta-data/',
        'http://10.0.0.8/hooks',
        'http://192.168.1.1/hooks',
      ];
      for (const url of refused) {
        const answer = await api.req('POST', '/webhooks', { url });
        expect(answer.status, `POST ${url}: ${JSON.stringify(answer.body)}`).toBe(400);
        expect(answer.body, url).toMatchObject({ type: 'Validation', code: 'webhook_url_refused', message: expect.stringContaining('GATEHOUSE_WEBHOOK_ALLOW_PRIVATE') });
      }
      // Nor can an accepted endpoint be moved onto loopback.
      const outside = await api.createWebhook({ url: 'https://hooks.example.com/gatehouse', enabled: false });
      const moved = await api.req('PATCH', `/webhooks/${outside.id}`, { url: `http://127.0.0.1:${port}/hooks` });
      expect(moved.status).toBe(400);
      expect(moved.body.code).toBe('webhook_url_refused');
      const listed = await api.req('GET', '/webhooks');
      expect(listed.body.items.map((w: Webhook) => w.url)).toEqual(['https://hooks.example.com/gatehouse']);

      if (LOOPBACK_NAME) {
        // A name is not resolved when saved; it is at every delivery, and its address refused.
        const hook = await api.createWebhook({ url: `http://${LOOPBACK_NAME}:${port}/hooks`, events: ['invite.created'] });
        r.secrets = [hook.secret];
        await api.invite(['ssrf@example.com']);
        const log = await until('an attempt to the name', 10_000, async () => {
          const l = await api.attempts(hook.id);
          return l.items.length > 0 ? l : undefined;
        });
        expect(log.items[0]).not.toHaveProperty('statusCode');
        expect(log.items[0].error).toMatch(/^address 127\.[\d.]+ is private or loopback \(refused\)$/);
        await sleep(1500); // and the retry a second later is refused too
        expect(r.received, 'requests that reached the loopback receiver').toEqual([]);
        expect(r.rejected).toEqual([]);
      }
      expect(await server.stop()).toBe(0);
    },
  );
});

// -------------------------------------------------------------------------------------------
// PostgreSQL: two replicas share one outbox.

/** The local ports of `pid`'s TCP connections to 127.0.0.1:`port` (Linux /proc). */
function portsTo(pid: number, port: number): number[] {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]);
      } catch {
        // closed meanwhile
      }
    }
  } catch {
    return []; // the process is gone
  }
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const local = parseInt(f[1].split(':')[1], 16);
      const remote = parseInt(f[2].split(':')[1], 16);
      if (remote === port && inodes.has(f[9])) ports.push(local);
    }
  }
  return ports;
}

describe.skipIf(POSTGRES.skipped)(titled(POSTGRES, 'PostgreSQL: two replicas, one endpoint'), () => {
  it('500 events made over both replicas are all delivered, each exactly once, never by both at a time', { timeout: 120_000 }, async () => {
    const database = await createDatabase(TEST_PG_URL!, 'webhooks');
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-webhooks-pg-'));
    dirs.push(dir);
    const env = ['a', 'b'].map((name) =>
      envWith({
        PORT: '0',
        HOST: '127.0.0.1',
        GATEHOUSE_DATABASE: database,
        GATEHOUSE_MAIL: `file:${join(dir, `mail-${name}`)}`,
        GATEHOUSE_RATE_LIMIT_ADDRESS: 'off',
        GATEHOUSE_RATE_LIMIT_EMAIL: 'off',
        GATEHOUSE_RATE_LIMIT_TOKEN: 'off',
        GATEHOUSE_LOCKOUT: 'off',
        LOG_LEVEL: 'warn',
        ...WEBHOOK_ENV,
      }),
    );
    const replicas = await Promise.all(env.map((e) => serve(e)));
    const first = replicas.find((s) => s.summary.created);
    expect(first, 'one replica bootstrapped').toBeDefined();
    const api = Api.of(first!);
    const urls = replicas.map((s) => s.summary.url);

    const r = await receiver();
    r.delayMs = 20; // long enough for two senders of one id to overlap, were there two
    const hook = await api.createWebhook({ url: r.url });
    r.secrets = [hook.secret];
    const receiverPort = Number(new URL(r.url).port);

    // Which replica holds each connection to the receiver, sampled while the deliveries run.
    const portOwner = new Map<number, number>();
    const sample = () => {
      for (const [i, s] of replicas.entries()) for (const p of portsTo(s.child.pid!, receiverPort)) portOwner.set(p, portOwner.has(p) && portOwner.get(p) !== i ? -1 : i);
    };
    const sampler = setInterval(sample, 100);
    const started = Date.now();
    try {
      // 250 invites, 8 at a time, alternating between the replicas: 250 invite.created and
      // 250 mail.sent (from whichever replica's mail worker sent it).
      await api.invite(emails('replica', 250), 8, urls);
      const invitedMs = Date.now() - started;
      const events = await allReceived(api, r, 500, 60_000);
      const deliveredMs = Date.now() - started;
      sample();
      await sleep(2500); // more than two polls: a second delivery of anything would show up
      sample();
      expect(events.length, 'events in the feed').toBe(500);
      expect(new Set(events.map((e) => e.type))).toEqual(new Set(['invite.created', 'mail.sent']));

      const copies = expectDelivered(r, events);
      expect(overlaps(copies), 'webhook-ids in flight at the receiver twice at once').toEqual([]);
      // Nothing failed, so nothing needed a repeat: each event exactly once.
      expect(r.received.length, 'requests received').toBe(events.length);
      expect([...copies].filter(([, c]) => c.length > 1).map(([id]) => id), 'webhook-ids received twice').toEqual([]);

      // The log: one delivery per event, each with a single 2xx attempt.
      const log = await api.attempts(hook.id);
      expect(log.pending).toBe(0);
      expect(log.items.length, 'attempts in the log').toBe(events.length);
      const deliveries = byDelivery(log.items);
      expect(deliveries.size).toBe(events.length);
      expect(log.items.filter((a) => a.statusCode !== 200 || a.deliveryStatus !== 'delivered'), 'attempts other than one 200 per delivery').toEqual([]);
      expect(new Set(log.items.map((a) => a.eventId))).toEqual(new Set(events.map((e) => e.id)));

      // Both replicas delivered (or this would say nothing about two senders sharing the outbox).
      const sentBy = [0, 0];
      let unknown = 0;
      for (const d of r.received) {
        const owner = portOwner.get(d.remotePort);
        if (owner === 0 || owner === 1) sentBy[owner]++;
        else unknown++;
      }
      expect(sentBy[0], `deliveries sent by the first replica (of ${r.received.length}; ${unknown} unattributed)`).toBeGreaterThan(0);
      expect(sentBy[1], `deliveries sent by the second replica (of ${r.received.length}; ${unknown} unattributed)`).toBeGreaterThan(0);
      console.log(`[webhooks] 2 replicas: 250 invites in ${invitedMs} ms, 500 events delivered by ${deliveredMs} ms; sent by replica a/b/unattributed: ${sentBy[0]}/${sentBy[1]}/${unknown}`);
    } finally {
      clearInterval(sampler);
    }
    expect(await Promise.all(replicas.map((s) => s.stop()))).toEqual([0, 0]);
  });
});
