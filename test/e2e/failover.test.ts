/**
 * A real PostgreSQL failover under load (issue 19, point 5): Patroni with three nodes in
 * synchronous mode behind HAProxy's `/primary` check, two `gatehouse serve` processes on it,
 * eight writers inviting (and some accepting) all the time, and the primary's postmaster
 * SIGKILLed three times. What an operator expects of a service that rides through a failover:
 * no 5xx and no dropped connection, every acknowledged write there exactly once, no invite
 * accepted without its membership, no mail sent twice, both processes ready afterwards without a
 * restart. The write gap of each failover is printed (the README quotes it).
 *
 * Skipped, loudly, when patroni, etcd or haproxy are not installed.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalEmail } from '../../src/contract/canonical.js';
import { parseEml } from '../../src/mail/eml.js';
import { envWith, killAll, type Server, serve } from '../helpers/cli.js';
import { type Kill, type PatroniCluster, patroniUnavailable, startPatroniCluster } from '../helpers/patroni.js';
import { createDatabase } from '../helpers/postgres.js';
import { POSTGRES, titled } from '../helpers/stores.js';
import { sleep, until } from '../helpers/wait.js';

const KILLS = 3;
const INVITERS = 6;
const ACCEPTERS = 2;
/** How long a request rides through the database being away (GATEHOUSE_DATABASE_HOLD). */
const HOLD = '20s';
/** Longer than the hold: a request still unanswered then is a hang, counted as a connection error. */
const REQUEST_TIMEOUT_MS = 30_000;
/** A client gives up on one logical write after retrying this long. */
const GIVE_UP_MS = 60_000;
/**
 * Sooner than the Retry-After (5 s) of a 503: the gap measured is then the server's, not the
 * client's pause.
 */
const RETRY_PAUSE_MS = 250;
/** Between two writes of one writer: a steady load, not a flood that starves the 2-core machine. */
const PACE_MS = 20;
/** Load before the first kill and after each failover has settled, so the gaps stand apart. */
const STEADY_MS = 4000;

const missing = patroniUnavailable();
const FAILOVER = { ...POSTGRES, skipped: missing };

// ---------------------------------------------------------------------------------------------
// What the clients saw.

type Kind = 'invite' | 'accept';

interface Answer {
  kind: Kind;
  email: string;
  key: string;
  replica: number;
  startedAt: number;
  endedAt: number;
  status?: number;
  /** fetch rejected: no HTTP answer (refused, reset, timed out). */
  error?: string;
  body?: string;
  /** Idempotent-Replayed: true, the answer kept from an earlier attempt with the key. */
  replayed?: boolean;
}

const answers: Answer[] = [];
/** Emails whose invite was acknowledged with 201 (and when), and those whose accept was answered 200. */
const invited = new Map<string, number>();
const accepted = new Set<string>();
/** Logical writes that never got their success answer (every attempt is in `answers`). */
const abandoned: { kind: Kind; email: string; last: Answer }[] = [];

const succeeded = (a: Answer) => (a.kind === 'invite' ? a.status === 201 : a.status === 200);

/**
 * One logical write: the same Idempotency-Key on every attempt, retried on a 5xx or a dropped
 * connection, the way a careful client rides out a failover.
 */
async function write(kind: Kind, email: string, replica: number, url: string, headers: Record<string, string>, body: unknown): Promise<boolean> {
  const key = randomUUID();
  const first = Date.now();
  for (;;) {
    const answer: Answer = { kind, email, key, replica, startedAt: Date.now(), endedAt: 0 };
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      answer.status = res.status;
      answer.replayed = res.headers.get('idempotent-replayed') === 'true';
      const text = await res.text();
      if (!succeeded(answer)) answer.body = text.slice(0, 300);
    } catch (error) {
      answer.error = `${(error as Error).name}: ${(error as Error).message}`;
    }
    answer.endedAt = Date.now();
    answers.push(answer);
    if (succeeded(answer)) return true;
    // 409 idempotency_key_in_flight: the first attempt is still running; repeat it later.
    const retryable = answer.error !== undefined || answer.status! >= 500 || (answer.status === 409 && answer.body!.includes('idempotency_key_in_flight'));
    if (!retryable || Date.now() - first > GIVE_UP_MS) {
      abandoned.push({ kind, email, last: answer });
      return false;
    }
    await sleep(RETRY_PAUSE_MS);
  }
}

// ---------------------------------------------------------------------------------------------
// The mail both replicas wrote, read as it arrives.

interface Delivery {
  folder: number;
  file: string;
  link: string | null;
  ino: number;
  /** When the file was written (its mtime: the rename that publishes it keeps it). */
  writtenAt: number;
  /** The file was replaced after it was first seen: the same message written again. */
  rewritten: number;
}

class MailIndex {
  readonly byRecipient = new Map<string, Delivery[]>();
  private readonly seen = new Map<string, Delivery>();
  private timer: NodeJS.Timeout | null = null;
  private scanning: Promise<void> = Promise.resolve();

  constructor(private readonly folders: string[]) {}

  start(): void {
    this.timer = setInterval(() => {
      this.scanning = this.scanning.then(() => this.scan());
    }, 200);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.scanning;
    await this.scan();
  }

  /** The accept link mailed to `email`, once a replica has written it. */
  link(email: string): string | undefined {
    return this.byRecipient.get(canonicalEmail(email))?.find((d) => d.link)?.link ?? undefined;
  }

  private async scan(): Promise<void> {
    for (const [folder, dir] of this.folders.entries()) {
      if (!existsSync(dir)) continue;
      for (const file of readdirSync(dir)) {
        if (!file.endsWith('.eml')) continue;
        const path = join(dir, file);
        let ino: number;
        let writtenAt: number;
        try {
          ({ ino, mtimeMs: writtenAt } = statSync(path));
        } catch {
          continue;
        }
        const known = this.seen.get(path);
        if (known) {
          // Written aside and renamed (src/mail/transport.ts): a new inode is a new write.
          if (known.ino !== ino) {
            known.ino = ino;
            known.rewritten++;
          }
          continue;
        }
        const mail = await parseEml(path, readFileSync(path));
        const delivery: Delivery = { folder, file, link: mail.link, ino, writtenAt, rewritten: 0 };
        this.seen.set(path, delivery);
        const to = canonicalEmail(mail.to);
        this.byRecipient.set(to, [...(this.byRecipient.get(to) ?? []), delivery]);
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Figures for the README.

/**
 * The longest stretch in [from, to) without a successful write completing, counted from the
 * last success before `from`.
 */
function writeGap(from: number, to: number): number {
  const ends = answers.filter(succeeded).map((a) => a.endedAt).sort((a, b) => a - b);
  const before = ends.filter((t) => t < from).at(-1) ?? from;
  const points = [before, ...ends.filter((t) => t >= from && t < to), to];
  let gap = 0;
  for (let i = 1; i < points.length; i++) gap = Math.max(gap, points[i] - points[i - 1]);
  return gap;
}

function counts(list: Answer[]) {
  return {
    ok: list.filter(succeeded).length,
    unavailable: list.filter((a) => a.status === 503).length,
    other: list.filter((a) => !succeeded(a) && a.status !== 503).length,
    replayed: list.filter((a) => a.replayed).length,
    slowestMs: Math.max(0, ...list.map((a) => a.endedAt - a.startedAt)),
  };
}

// ---------------------------------------------------------------------------------------------

describe.skipIf(missing !== null)(titled(FAILOVER, 'failover: the primary SIGKILLed three times under a write load'), () => {
  let cluster: PatroniCluster | undefined;
  let dir = '';
  let db: pg.Pool | undefined;
  let replicas: Server[] = [];
  let urls: string[] = [];
  let orgId = '';
  let token = '';
  let invitesPath = '';
  const mailDirs: string[] = [];
  let mail: MailIndex | undefined;
  const kills: (Kill & { leader: string; leaderMs: number; healthyMs: number })[] = [];
  let loadStartedAt = 0;
  let loadEndedAt = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-failover-'));
    cluster = await startPatroniCluster();
    const database = await createDatabase(cluster.adminUrl, 'failover');
    db = new pg.Pool({ connectionString: database, max: 2 });
    // A connection the failover cuts must not crash the test process; queries retry below.
    db.on('error', () => {});
    const env = ['a', 'b'].map((name) => {
      const folder = join(dir, `mail-${name}`);
      mailDirs.push(folder);
      return envWith({
        PORT: '0',
        HOST: '127.0.0.1',
        GATEHOUSE_DATABASE: database,
        GATEHOUSE_MAIL: `file:${folder}`,
        GATEHOUSE_DATABASE_HOLD: HOLD,
        // Every client here is 127.0.0.1: the per-address limits would throttle the load itself.
        GATEHOUSE_RATE_LIMIT_ADDRESS: 'off',
        GATEHOUSE_RATE_LIMIT_TOKEN: 'off',
        LOG_LEVEL: 'warn',
      });
    });
    replicas = await Promise.all(env.map((e) => serve(e)));
    urls = replicas.map((r) => r.summary.url);
    const created = replicas.find((r) => r.summary.created)!.summary.created!;
    ({ orgId, token } = created);
    invitesPath = `/instances/${created.instanceId}/orgs/${orgId}/invites?perPage=1`;
    mail = new MailIndex(mailDirs);
    mail.start();
  }, 240_000);

  afterAll(async () => {
    try {
      await mail?.stop();
      const running = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
      await Promise.allSettled(running.map((r) => r.stop()));
    } finally {
      killAll();
      await db?.end().catch(() => {});
      await cluster?.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  /** A query on the Gatehouse database through HAProxy, retried while the proxy has no primary. */
  async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
    return until(`the query ${text.slice(0, 40)}…`, 30_000, async () => {
      try {
        return (await db!.query<T>(text, values)).rows;
      } catch {
        return undefined;
      }
    });
  }

  it('eight writers keep writing while the primary is killed three times', async () => {
    let stopping = false;
    /** When the writers were told to stop: the last window ends there, not at the last retry. */
    let stoppedAt = 0;
    const toAccept: string[] = [];

    const inviter = async (w: number) => {
      const replica = w % 2;
      for (let n = 0; !stopping; n++) {
        const email = `w${w}-${n}@example.com`;
        const ok = await write('invite', email, replica, `${urls[replica]}${invitesPath}`, { authorization: `Bearer ${token}` }, { email, role: 'view' });
        if (ok) {
          invited.set(email, Date.now());
          // Every fourth invite is accepted too, by the accepters.
          if (n % 4 === 0) toAccept.push(email);
        }
        await sleep(PACE_MS);
      }
    };
    const accepter = async (w: number) => {
      const replica = w % 2;
      while (!stopping) {
        const email = toAccept.shift();
        if (!email) {
          await sleep(50);
          continue;
        }
        // The mail arrives within a second, or once the database is back; an accepter told to
        // stop does not wait for it.
        const link = await until(`the mail to ${email}`, 60_000, () => (stopping ? null : mail!.link(email))).catch(() => undefined);
        if (link === null) break;
        if (!link) {
          abandoned.push({ kind: 'accept', email, last: { kind: 'accept', email, key: '', replica, startedAt: 0, endedAt: 0, error: 'no mail arrived' } });
          continue;
        }
        const inviteToken = new URL(link).searchParams.get('token')!;
        if (await write('accept', email, replica, `${urls[replica]}/invites`, {}, { email, token: inviteToken, accept: true })) accepted.add(email);
        await sleep(PACE_MS);
      }
    };

    loadStartedAt = Date.now();
    const writers = [...Array.from({ length: INVITERS }, (_, w) => inviter(w)), ...Array.from({ length: ACCEPTERS }, (_, w) => accepter(w))];
    try {
      await sleep(STEADY_MS);
      for (let k = 0; k < KILLS; k++) {
        // Checked again just before the kill: a standby restarting meanwhile would leave
        // Patroni no one to promote, and it would restart the old primary instead.
        await cluster!.waitForHealthy(60_000);
        const kill = await cluster!.killPrimaryPostgres();
        const leader = await cluster!.waitForNewLeader(kill.node, 60_000);
        const leaderMs = Date.now() - kill.at;
        // The killed node rejoins as a replica before the next kill, so each failover has a
        // synchronous standby to promote.
        await cluster!.waitForHealthy(90_000);
        const healthyMs = Date.now() - kill.at;
        kills.push({ ...kill, leader, leaderMs, healthyMs });
        await sleep(STEADY_MS);
      }
    } finally {
      stopping = true;
      stoppedAt = Date.now();
      await Promise.all(writers);
      loadEndedAt = Date.now();
    }

    for (const [i, kill] of kills.entries()) {
      const to = kills[i + 1]?.at ?? stoppedAt;
      const window = answers.filter((a) => a.startedAt >= kill.at && a.startedAt < to);
      const c = counts(window);
      console.log(
        `failover ${i + 1}/${KILLS}: SIGKILL of ${kill.node}'s postmaster (pid ${kill.pid}); new leader ${kill.leader} after ${kill.leaderMs} ms, ` +
          `${kill.node} back as a replica after ${kill.healthyMs} ms; write gap ${writeGap(kill.at, to)} ms; ` +
          `writes ok ${c.ok}, 503 ${c.unavailable}, other errors ${c.other}, replayed ${c.replayed}; slowest answer ${c.slowestMs} ms`,
      );
    }
    const all = counts(answers);
    console.log(
      `failover load: ${((loadEndedAt - loadStartedAt) / 1000).toFixed(1)} s, ${INVITERS + ACCEPTERS} writers over 2 replicas: ` +
        `writes ok ${all.ok} (${invited.size} invites, ${accepted.size} accepts), 503 ${all.unavailable}, other errors ${all.other}, ` +
        `replayed ${all.replayed}, given up ${abandoned.length}; slowest answer ${all.slowestMs} ms`,
    );
    expect(kills).toHaveLength(KILLS);
    for (const replica of replicas) expect(replica.child.exitCode, `a replica exited; stderr tail:\n${replica.stderr().slice(-3000)}`).toBeNull();
  });

  it('no answer was a 5xx, and no request went without an answer', () => {
    const failed = answers.filter((a) => a.error !== undefined || a.status! >= 500);
    const summary = failed.slice(0, 10).map((a) => `${a.kind} ${a.email} on replica ${a.replica}: ${a.error ?? `${a.status} ${a.body}`}`);
    expect(summary, `${failed.length} of ${answers.length} requests failed; the first ten`).toEqual([]);
  });

  it('every write was acknowledged in the end: no client gave up, no 4xx on a retry', () => {
    const shown = abandoned.slice(0, 10).map((a) => `${a.kind} ${a.email}: ${a.last.error ?? `${a.last.status} ${a.last.body}`}`);
    expect(shown, `${abandoned.length} writes given up; the first ten`).toEqual([]);
  });

  it('every invite acknowledged with 201 is there, and no email has two', async () => {
    const rows = await query<{ email: string; n: string }>('select email, count(*) as n from invites where org_id = $1 group by email', [orgId]);
    const present = new Map(rows.map((r) => [r.email, Number(r.n)]));
    const lost = [...invited.keys()].filter((email) => !present.has(email));
    expect(lost, `acknowledged invites missing, of ${invited.size}`).toEqual([]);
    // Written although its client never saw the 201 (a 503 after the commit): not lost, but the
    // client could not know. Reported, not asserted: the retry with the same key shows it above.
    const unacknowledged = rows.filter((r) => !invited.has(r.email)).length;
    if (unacknowledged) console.log(`failover: ${unacknowledged} invites written without a 201 to their client`);
    const doubled = rows.filter((r) => Number(r.n) > 1).map((r) => `${r.email} × ${r.n}`);
    expect(doubled, 'emails with more than one invite').toEqual([]);
  });

  it('no invite is half accepted: an accepted invite has its member, a member its accepted invite', async () => {
    const invites = await query<{ email: string; status: string }>('select email, status from invites where org_id = $1', [orgId]);
    const members = new Set((await query<{ email: string }>('select email from org_members where org_id = $1', [orgId])).map((m) => m.email));
    const acceptedRows = new Set(invites.filter((i) => i.status === 'accepted').map((i) => i.email));
    expect([...acceptedRows].filter((e) => !members.has(e)), 'accepted invites without a member').toEqual([]);
    expect([...members].filter((e) => !acceptedRows.has(e)), 'members without an accepted invite').toEqual([]);
    expect([...accepted].filter((e) => !acceptedRows.has(e)), 'accepts answered 200 whose invite is not accepted').toEqual([]);
    expect(accepted.size, 'accepts answered 200').toBeGreaterThan(0);
  });

  it('every invite was mailed exactly once', async () => {
    // A message claimed by a worker whose "sent" was lost in a failover is sent again when its
    // 60 s lease runs out: wait for the outbox to settle, then for the files.
    await until('every outbox message to be sent', 90_000, async () => {
      const [row] = await query<{ n: string }>(`select count(*) as n from outbox where status <> 'sent'`);
      return Number(row.n) === 0 ? true : undefined;
    });
    const outbox = await query<{ to_address: string }>('select to_address from outbox');
    await until('a mail file for every outbox message', 15_000, () => (outbox.every((r) => mail!.link(r.to_address)) ? true : undefined));
    await sleep(1500);
    await mail!.stop();

    const unsent = [...invited.keys()].filter((email) => !mail!.byRecipient.has(canonicalEmail(email)));
    expect(unsent, 'acknowledged invites without a mail').toEqual([]);
    // How long after its 201 each invitation mail appeared: a figure for the README.
    const delays = [...invited].map(([email, at]) => Math.round(Math.min(...mail!.byRecipient.get(canonicalEmail(email))!.map((d) => d.writtenAt)) - at));
    const late = delays.filter((d) => d > 10_000).length;
    console.log(`failover mail: ${delays.length} invitation mails, slowest ${Math.max(0, ...delays)} ms after its 201, ${late} later than 10 s`);
    const twice: string[] = [];
    for (const [to, deliveries] of mail!.byRecipient) {
      const writes = deliveries.length + deliveries.reduce((n, d) => n + d.rewritten, 0);
      if (writes > 1) twice.push(`${to}: ${deliveries.map((d) => `${d.file} in folder ${d.folder}${d.rewritten ? ` (rewritten ${d.rewritten}×)` : ''}`).join(', ')}`);
    }
    expect(twice, 'recipients mailed more than once').toEqual([]);
  });

  it('both replicas are ready at the end, on the same processes', async () => {
    // What an operator's log search would find: warnings and errors by message, per replica.
    // A failover is routine: warnings, and not one error.
    const errors: string[] = [];
    for (const [i, replica] of replicas.entries()) {
      const tally = new Map<string, number>();
      for (const line of replica.stderr().split('\n')) {
        let entry: { level?: number; msg?: string; err?: { message?: string } };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue;
        }
        if ((entry.level ?? 0) < 40) continue;
        // Errors with their reason: those are the ones to look into.
        const key = `${entry.level} ${entry.msg}${(entry.level ?? 0) >= 50 && entry.err?.message ? `: ${entry.err.message}` : ''}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
        if ((entry.level ?? 0) >= 50) errors.push(`replica ${i}: ${key}`);
      }
      console.log(`failover log of replica ${i}: ${[...tally].map(([msg, n]) => `${n}× "${msg}"`).join(', ') || 'no warnings'}`);
    }
    expect(errors, 'error-level log lines').toEqual([]);
    for (const [i, replica] of replicas.entries()) {
      expect({ exitCode: replica.child.exitCode, signalCode: replica.child.signalCode }, `replica ${i}`).toEqual({ exitCode: null, signalCode: null });
      const res = await fetch(`${urls[i]}/readyz`, { signal: AbortSignal.timeout(10_000) });
      expect(res.status, `GET /readyz on replica ${i}`).toBe(200);
    }
  });
});
