/**
 * Two replicas on one PostgreSQL database: two real `gatehouse serve` child processes started
 * at the same time on one fresh database, each with a mail folder of its own, and requests
 * spread over both through real HTTP. What one process guarantees with one connection must
 * still hold when two processes (and two pools) race: one bootstrap, one accept, one pending
 * invite per email, one delivery per outbox message, revocation at once, the member limit.
 * Skipped, loudly, when there is no PostgreSQL for this run.
 */
import { MIGRATION_NAMES } from '../../src/store/migrations/index.js';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, killAll, run, type Server, serve, waitForMail } from '../helpers/cli.js';
import { createDatabase, TEST_PG_URL } from '../helpers/postgres.js';
import { POSTGRES, serviceUrl, titled } from '../helpers/stores.js';
import { sleep, until } from '../helpers/wait.js';

const ID = /^[a-f\d]{24}$/;
/** No single request may take longer than this: a hang fails the test instead of blocking it. */
const REQUEST_TIMEOUT_MS = 10_000;

interface Answer {
  status: number;
  body: Record<string, any>;
}

/** One HTTP request with a JSON body and a bounded wait; the answer must be JSON. */
async function call(base: string, method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let body: Record<string, any>;
  try {
    body = JSON.parse(text) as Record<string, any>;
  } catch {
    throw new Error(`${method} ${path} answered ${res.status} with a body that is not JSON: ${text}`);
  }
  return { status: res.status, body };
}

/** How many answers had each status, e.g. { 200: 1, 404: 19 }. */
function tally(answers: Answer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const a of answers) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}



describe.skipIf(POSTGRES.skipped)(titled(POSTGRES, 'two replicas on one PostgreSQL database'), () => {
  let dir = '';
  let database = '';
  let db: pg.Pool;
  const env: NodeJS.ProcessEnv[] = [];
  const mailDirs: string[] = [];
  let replicas: Server[] = [];
  /** The base URLs of the two replicas. */
  let urls: string[] = [];
  let instanceId = '';
  let orgId = '';
  let token = '';
  /** Both replicas came up; the other tests need them. */
  let started: Promise<Server[]>;

  /** The request's replica: even numbers go to the first, odd ones to the second. */
  const replica = (i: number) => urls[i % 2];
  const orgPath = (org = orgId) => `/instances/${instanceId}/orgs/${org}`;

  /** `gatehouse …` on the shared database (the CLI needs no mail folder). */
  const gh = (...args: string[]) => run(process.execPath, [BIN, ...args], env[0]);

  /** The invitation mail to `to`, from whichever replica's worker delivered it. */
  async function mailTo(to: string) {
    const id = await until(`the mail to ${to} to be sent`, 10_000, async () => {
      const { rows } = await db.query<{ id: string }>(`select id from outbox where to_address = $1 and status = 'sent'`, [to]);
      return rows[0]?.id;
    });
    const holders = mailDirs.map((d, i) => (existsSync(join(d, `${id}.eml`)) ? i : -1)).filter((i) => i >= 0);
    expect(holders, `folders holding ${id}.eml`).toHaveLength(1);
    return waitForMail(env[holders[0]], to);
  }

  /** The .eml files of one replica's mail folder (a .tmp file is a message being written). */
  const emlFiles = (folder: string) => (existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.eml')) : []);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-replicas-'));
    const direct = await createDatabase(TEST_PG_URL!, 'replicas');
    // The replicas go through PgBouncer in the stress-pgbouncer project; the test's own reads need not.
    database = serviceUrl(direct);
    db = new pg.Pool({ connectionString: direct, max: 2 });
    for (const name of ['a', 'b']) {
      const folder = join(dir, `mail-${name}`);
      mailDirs.push(folder);
      env.push(
        envWith({
          PORT: '0',
          HOST: '127.0.0.1',
          GATEHOUSE_DATABASE: database,
          GATEHOUSE_MAIL: `file:${folder}`,
          LOG_LEVEL: 'warn',
        }),
      );
    }
    // Both processes are spawned in the same tick: they migrate and bootstrap the empty
    // database at the same time.
    started = Promise.all(env.map((e) => serve(e)));
    started.catch(() => {}); // reported by the first test
    try {
      replicas = await started;
    } catch {
      return;
    }
    urls = replicas.map((r) => r.summary.url);
  });

  afterAll(async () => {
    try {
      // SIGTERM: each replica closes its worker, server and pool, and exits 0.
      const codes = await Promise.all(replicas.map((r) => r.stop()));
      expect(codes).toEqual(replicas.map(() => 0));
    } finally {
      killAll();
      await db?.end();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('start together on an empty database: both migrate, exactly one bootstraps', async () => {
    await expect(started, 'both replicas start').resolves.toHaveLength(2);
    const created = replicas.filter((r) => r.summary.created);
    expect(created, 'summaries with `created`').toHaveLength(1);
    const other = replicas.find((r) => !r.summary.created)!;
    expect(other.summary).not.toHaveProperty('created');
    expect(created[0].summary.created).toEqual({
      instanceId: expect.stringMatching(ID),
      orgId: expect.stringMatching(ID),
      tokenId: expect.stringMatching(ID),
      token: expect.any(String),
    });
    ({ instanceId, orgId, token } = created[0].summary.created!);
    expect(urls[0]).not.toBe(urls[1]);

    // One default set in the database, and each migration recorded once.
    for (const table of ['instances', 'orgs', 'api_tokens']) {
      const { rows } = await db.query<{ n: string }>(`select count(*) as n from ${table}`);
      expect(Number(rows[0].n), `rows in ${table}`).toBe(1);
    }
    const { rows } = await db.query<{ name: string }>('select name from kysely_migration order by name');
    expect(rows.map((r) => r.name)).toEqual([...MIGRATION_NAMES]);
    // Neither logged an error while starting (warnings would be, e.g., a retried migration).
    for (const r of replicas) expect(r.stderr(), 'stderr of a replica').not.toMatch(/"level":(50|60)/);

    // The bootstrap token works on both.
    for (const url of urls) expect((await call(url, 'GET', `${orgPath()}/members`, { token })).status).toBe(200);
  });

  it('20 concurrent accepts of one invite over both replicas: one 200, the rest 404, one membership', async () => {
    const email = 'accept-race@example.com';
    const created = await call(replica(0), 'POST', `${orgPath()}/invites`, { token, body: { email, role: 'edit' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const mail = await mailTo(email);
    expect(mail.link, 'the accept link in the mail').toEqual(expect.any(String));
    const link = new URL(mail.link!);
    const inviteToken = link.searchParams.get('token')!;
    expect(link.searchParams.get('email')).toBe(email);

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(replica(i), 'POST', '/invites', { body: { email, token: inviteToken, accept: true } })),
    );
    // The replicas run with the default limits, lockout included: losing a race is not a guess,
    // so no loser is throttled (main once answered 7 of 18 of them 429).
    const counts = tally(answers);
    expect(counts, JSON.stringify(counts)).toEqual({ 200: 1, 404: 19 });
    expect(answers.find((a) => a.status === 200)!.body).toEqual({ accepted: true, orgId });
    for (const a of answers.filter((x) => x.status === 404)) expect(a.body).toMatchObject({ type: 'NotFound', code: 'invite_link_invalid' });

    for (const url of urls) {
      const members = await call(url, 'GET', `${orgPath()}/members`, { token });
      expect(members.status).toBe(200);
      const items = (members.body.items as { email: string; role: string }[]).filter((m) => m.email === email);
      expect(items, `memberships of ${email} seen by ${url}`).toHaveLength(1);
      expect(items[0].role).toBe('edit');
    }
    const { rows } = await db.query<{ n: string }>('select count(*) as n from org_members where email = $1', [email]);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('20 concurrent invites of one email over both replicas: one 201, the others 400, one pending invite', async () => {
    const email = 'invite-race@example.com';
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call(replica(i), 'POST', `${orgPath()}/invites`, { token, body: { email, role: 'view' } })),
    );
    expect(tally(answers)).toEqual({ 201: 1, 400: 19 });
    for (const a of answers.filter((x) => x.status === 400)) {
      expect(a.body).toMatchObject({ type: 'Validation', message: expect.stringMatching(/pending invite/i) });
    }
    for (const url of urls) {
      const list = await call(url, 'GET', `${orgPath()}/invites?filterField=email&filter=${encodeURIComponent(email)}`, { token });
      expect(list.status).toBe(200);
      expect(list.body.count).toBe(1);
      expect(list.body.items[0]).toMatchObject({ email, role: 'view', hasExpired: false });
    }
    const { rows } = await db.query<{ n: string }>(`select count(*) as n from invites where email = $1`, [email]);
    expect(Number(rows[0].n), 'invite rows for the email (refused ones leave none)').toBe(1);
  });

  it('both run the mail worker, yet each outbox message is delivered exactly once', async () => {
    const emails = Array.from({ length: 30 }, (_, i) => `outbox-${String(i).padStart(2, '0')}@example.com`);
    // In three waves, so that both workers are busy while new mail keeps arriving.
    for (let wave = 0; wave < 3; wave++) {
      const answers = await Promise.all(
        emails.slice(wave * 10, wave * 10 + 10).map((email, i) => call(replica(i), 'POST', `${orgPath()}/invites`, { token, body: { email, role: 'view' } })),
      );
      expect(tally(answers)).toEqual({ 201: 10 });
    }
    const { rows: queued } = await db.query<{ id: string }>(`select id from outbox where to_address like 'outbox-%'`);
    expect(queued).toHaveLength(30);
    const ids = queued.map((r) => r.id);

    // All 30 files appear, in one folder or the other…
    await until('30 .eml files across both mail folders', 15_000, () => {
      const present = new Set(mailDirs.flatMap(emlFiles));
      return ids.every((id) => present.has(`${id}.eml`)) ? true : undefined;
    });
    // …and stay alone: more than a poll interval later, no second delivery has shown up.
    await sleep(2500);

    const [a, b] = mailDirs.map(emlFiles);
    // Both workers took part (or this test would prove nothing about two senders).
    expect(a.length, 'files delivered by the first replica').toBeGreaterThan(0);
    expect(b.length, 'files delivered by the second replica').toBeGreaterThan(0);
    const both = a.filter((f) => b.includes(f));
    expect(both, 'files written by both replicas (a message delivered twice)').toEqual([]);
    const union = new Set([...a, ...b]);
    for (const id of ids) expect(union.has(`${id}.eml`), `${id}.eml`).toBe(true);
    const { rows: all } = await db.query<{ id: string; status: string; attempts: number }>('select id, status, attempts from outbox');
    // Every outbox row of this database (the earlier tests' invites included) has one file.
    expect(union.size).toBe(all.length);
    expect([...union].sort()).toEqual(all.map((r) => `${r.id}.eml`).sort());
    for (const row of all) expect(row, `outbox row ${row.id}`).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('a token revoked with the CLI stops working at once on both replicas', async () => {
    const created = await gh('token', 'create', '--instance', instanceId, '--scope', 'all.Instance', '--json');
    expect(created.code, created.stderr).toBe(0);
    const { id, token: secret } = JSON.parse(created.stdout) as { id: string; token: string };
    expect(id).toMatch(ID);
    for (const url of urls) expect((await call(url, 'GET', `${orgPath()}/members`, { token: secret })).status, url).toBe(200);

    const revoked = await gh('token', 'revoke', '--id', id);
    expect(revoked.code, revoked.stderr).toBe(0);

    // The very next request on each replica: no cache may keep the token alive.
    const answers = await Promise.all(urls.map((url) => call(url, 'GET', `${orgPath()}/members`, { token: secret })));
    for (const a of answers) expect(a).toMatchObject({ status: 401, body: { type: 'Unauthorized' } });
    // The bootstrap token is untouched.
    for (const url of urls) expect((await call(url, 'GET', `${orgPath()}/members`, { token })).status).toBe(200);
  });

  it('the member limit holds across replicas: 10 concurrent invites to an org of 3 seats, 3 succeed', async () => {
    const created = await gh('org', 'create', '--instance', instanceId, '--name', 'Three seats', '--member-limit', '3', '--json');
    expect(created.code, created.stderr).toBe(0);
    const limited = (JSON.parse(created.stdout) as { id: string; memberLimit: number }).id;

    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call(replica(i), 'POST', `${orgPath(limited)}/invites`, { token, body: { email: `seat-${i}@example.com`, role: 'view' } }),
      ),
    );
    expect(tally(answers)).toEqual({ 201: 3, 400: 7 });
    for (const a of answers.filter((x) => x.status === 400)) {
      expect(a.body).toMatchObject({ type: 'Validation', message: expect.stringMatching(/member limit/i) });
    }
    for (const url of urls) {
      const list = await call(url, 'GET', `${orgPath(limited)}/invites`, { token });
      expect(list.status).toBe(200);
      expect(list.body.count).toBe(3);
    }
  });

  it('a replica stops on SIGTERM (exit 0 within 5 s) although a client holds a connection on which it sent no request yet', async () => {
    // Load balancers and HTTP clients open connections ahead of the requests they will carry;
    // a rolling deploy must not wait for them. A third replica, so that the two above stop alone.
    const third = await serve({ ...env[0], GATEHOUSE_MAIL: `file:${join(dir, 'mail-c')}` });
    expect(third.summary).not.toHaveProperty('created');
    const { port, hostname } = new URL(third.summary.url);
    const socket = await new Promise<Socket>((done, fail) => {
      const s = connect(Number(port), hostname, () => done(s));
      s.once('error', fail);
    });
    try {
      // stop() sends SIGTERM and rejects when the process has not exited 5 s later.
      expect(await third.stop(), `stderr: ${third.stderr()}`).toBe(0);
    } finally {
      socket.destroy();
    }
  });
});
