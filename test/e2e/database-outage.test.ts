/**
 * PostgreSQL going away and coming back under a running `gatehouse serve`, on a dedicated
 * throwaway cluster (the shared one is never stopped), for longer than the hold
 * (GATEHOUSE_DATABASE_HOLD, 1 s here; shorter outages are ridden through, see
 * database-failover.test.ts): once the hold is over, requests answer 503 ServiceUnavailable
 * (not 500, not a hang), /readyz says so and /healthz
 * does not, the process stays up; when it is back the service recovers by itself, and no
 * write that was acknowledged with 201 is lost. And a database that cannot be used at start
 * (closed port, unknown database, unknown role) stops `serve` with one clean line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, envWith, killAll, run, type RunResult, type Server, serve } from '../helpers/cli.js';
import { type Cluster, createDatabase, findPostgresBin, freePort, startCluster } from '../helpers/postgres.js';
import { POSTGRES, titled } from '../helpers/stores.js';
import { sleep, until } from '../helpers/wait.js';

/** A line of a Node stack trace: what an operator should never see for a bad database URL. */
const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
/** A password that must never be printed. */
const PASSWORD = 'Wr0ng-Passw0rd-91f3';
/** The hold: how long requests wait for the database before answering 503. */
const HOLD = '1s';
/** Longest acceptable answer while the database is down: the hold, then at most the pool's 5 s connect timeout. */
const OUTAGE_ANSWER_MS = 7_000;


// ---------------------------------------------------------------------------------------------
// The dedicated cluster, started while the file is collected so that a skip is visible in the
// suite title with its reason.

let cluster: Cluster | undefined;
let skipped: string | null = null;
if (!findPostgresBin()) {
  skipped = 'PostgreSQL binaries not found under /usr/lib/postgresql (Debian package "postgresql")';
} else {
  try {
    cluster = await startCluster();
  } catch (error) {
    skipped = `a dedicated PostgreSQL cluster could not be started: ${(error as Error).message.split('\n')[0]}`;
  }
}
const DEDICATED = { ...POSTGRES, skipped };

afterAll(() => {
  killAll();
  cluster?.destroy();
});

// ---------------------------------------------------------------------------------------------
// HTTP with bounded waits.

interface Answer {
  status: number;
  body: Record<string, any>;
  ms: number;
}

async function call(url: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Answer> {
  const started = Date.now();
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let body: Record<string, any>;
  try {
    body = JSON.parse(text) as Record<string, any>;
  } catch {
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${res.status} with a body that is not JSON: ${text}`);
  }
  return { status: res.status, body, ms: Date.now() - started };
}


// ---------------------------------------------------------------------------------------------
// Light load: an invite of a new email every ~50 ms, each request on its own.

interface Attempt {
  email: string;
  startedAt: number;
  status?: number;
  body?: Record<string, any>;
  ms?: number;
  /** The request failed without an HTTP answer (connection refused, reset, timeout). */
  error?: string;
}

class InviteLoad {
  readonly attempts: Attempt[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly invitesUrl: string, private readonly token: string) {}

  start(): void {
    this.timer = setInterval(() => this.fire(), 50);
  }

  /** Stops firing and waits for the requests still under way (each is bounded by its timeout). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.inFlight]);
  }

  acknowledged(): string[] {
    return this.attempts.filter((a) => a.status === 201).map((a) => a.email);
  }

  since(t: number): Attempt[] {
    return this.attempts.filter((a) => a.startedAt >= t);
  }

  /** `n` invites at once, on top of the steady load. */
  burst(n: number): void {
    for (let i = 0; i < n; i++) this.fire();
  }

  private fire(): void {
    const attempt: Attempt = { email: `load-${this.attempts.length}@example.com`, startedAt: Date.now() };
    this.attempts.push(attempt);
    const done = call(this.invitesUrl, { method: 'POST', token: this.token, body: { email: attempt.email, role: 'view' } })
      .then(
        (answer) => Object.assign(attempt, answer),
        (error: Error) => Object.assign(attempt, { error: `${error.name}: ${error.message}`, ms: Date.now() - attempt.startedAt }),
      )
      .then(() => {
        this.inFlight.delete(done);
      });
    this.inFlight.add(done);
  }
}

// ---------------------------------------------------------------------------------------------

/** `serve` on a database it cannot use: exit 1, at once, one clean line naming the problem. */
async function expectStartRefused(database: string, problem: RegExp): Promise<RunResult> {
  const env = envWith({ PORT: '0', HOST: '127.0.0.1', GATEHOUSE_DATABASE: database, GATEHOUSE_MAIL: `file:${join(tmpdir(), 'gatehouse-unused-mail')}` });
  const started = Date.now();
  const result = await run(process.execPath, [BIN, 'serve', '--json'], env);
  const took = Date.now() - started;
  expect(result.code, `exit code (null: killed after 20 s); stderr: ${result.stderr}`).toBe(1);
  expect(took, 'time to give up').toBeLessThan(10_000);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n');
  expect(lines.at(-1)).toBe('');
  expect(lines.slice(0, -1), 'stderr lines').toHaveLength(1);
  expect(lines[0]).toMatch(/^gatehouse: /);
  expect(lines[0]).toMatch(problem);
  expect(result.stderr).not.toContain(PASSWORD);
  expect(result.stderr).not.toMatch(STACK_LINE);
  return result;
}

describe('serve with a database it cannot use exits 1 with one line on stderr', () => {
  it('a closed port: connection refused, and the password is not printed', async () => {
    const port = await freePort();
    const result = await expectStartRefused(`postgres://nobody:${PASSWORD}@127.0.0.1:${port}/x`, /refused/i);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
  });

  describe.skipIf(skipped !== null)(titled(DEDICATED, 'on a running cluster'), () => {
    it('a database that does not exist: named in the message', async () => {
      await expectStartRefused(`postgres://postgres:${PASSWORD}@127.0.0.1:${cluster!.port}/no_such_database`, /database "no_such_database" does not exist/);
    });

    it('a role that does not exist: named in the message', async () => {
      await expectStartRefused(`postgres://no_such_role:${PASSWORD}@127.0.0.1:${cluster!.port}/postgres`, /role "no_such_role" does not exist/);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe.skipIf(skipped !== null)(titled(DEDICATED, 'the database goes away and comes back under a running server'), () => {
  let dir = '';
  let server: Server | undefined;
  let load: InviteLoad | undefined;
  let base = '';
  let api = '';
  let token = '';
  /** When the cluster was stopped and started again. */
  let downAt = 0;
  let upAt = 0;

  /** The server is still running; if not, the failure shows how it ended. */
  function expectAlive(when: string): void {
    const { exitCode, signalCode } = server!.child;
    expect({ exitCode, signalCode }, `serve ${when}; stderr tail:\n${server!.stderr().slice(-3000)}`).toEqual({ exitCode: null, signalCode: null });
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-e2e-outage-'));
    const database = await createDatabase(cluster!.adminUrl, 'outage');
    server = await serve(
      envWith({
        PORT: '0',
        HOST: '127.0.0.1',
        GATEHOUSE_DATABASE: database,
        GATEHOUSE_DATABASE_HOLD: HOLD,
        GATEHOUSE_MAIL: `file:${join(dir, 'mail')}`,
        LOG_LEVEL: 'warn',
      }),
    );
    const created = server.summary.created!;
    base = server.summary.url;
    token = created.token;
    api = `${base}/instances/${created.instanceId}/orgs/${created.orgId}`;
    load = new InviteLoad(`${api}/invites`, token);
  });

  afterAll(async () => {
    try {
      await load?.stop();
      // A server that already died was reported by the test that saw it.
      const running = server && server.child.exitCode === null && server.child.signalCode === null;
      if (running) expect(await server!.stop(), `exit code of serve; stderr tail: ${server!.stderr().slice(-2000)}`).toBe(0);
    } finally {
      killAll();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  it('before the outage: ready, and invites under light load are acknowledged with 201', async () => {
    expect((await call(`${base}/readyz`)).status).toBe(200);
    load!.start();
    await until('5 acknowledged invites', 10_000, async () => (load!.acknowledged().length >= 5 ? true : undefined));
    expect(load!.attempts.filter((a) => a.status !== undefined && a.status !== 201)).toEqual([]);
  });

  it('while the database is down past the hold: 503 ServiceUnavailable within seconds, /readyz 503, /healthz 200, the process stays up', async () => {
    // A burst just before the stop, so that the database goes away with transactions in every
    // stage: connecting, between statements, committing. (cluster.stop() blocks this process,
    // so the burst is given a moment to reach the server first.)
    load!.burst(30);
    await sleep(25);
    cluster!.stop();
    downAt = Date.now();

    // The load keeps going; give it a moment of outage.
    await sleep(1500);
    expectAlive('died when the database stopped');
    const direct = await Promise.all([
      call(`${api}/invites`, { method: 'POST', token, body: { email: 'during-outage@example.com', role: 'view' } }),
      call(`${api}/invites`, { token }),
      call(`${api}/members`, { token }),
      // Token checks need the database too: an outage must not look like a bad token (401).
      call(`${api}/members`, { token: 'gh_not-a-token-at-all' }),
      call(`${base}/invites`, { method: 'POST', body: { email: 'x@example.com', token: 'a'.repeat(43), accept: true } }),
    ]);
    for (const answer of direct) {
      expect(answer.status, JSON.stringify(answer.body)).toBe(503);
      expect(answer.body).toEqual({ type: 'ServiceUnavailable', message: expect.any(String), code: 'service_unavailable' });
      expect(answer.ms).toBeLessThan(OUTAGE_ANSWER_MS);
    }

    const ready = await call(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ type: 'ServiceUnavailable' });
    expect(ready.ms).toBeLessThan(OUTAGE_ANSWER_MS);
    const live = await call(`${base}/healthz`);
    expect(live).toMatchObject({ status: 200, body: { ok: true } });

    // Stay down a little longer: the mail worker's polls fail too, and must not kill the process.
    await sleep(2000);
    expectAlive('died while the database was down');
    expect((await call(`${base}/healthz`)).status).toBe(200);

    // Every load request begun once the database was gone: answered 503, fast, or still
    // under way for less than that bound.
    // On a loaded machine the answers come later: wait for them rather than for a set time.
    await until('more than 10 load requests answered during the outage', 15_000, () =>
      load!.since(downAt).filter((a) => a.status !== undefined).length > 10 ? true : undefined,
    );
    const now = Date.now();
    const during = load!.since(downAt);
    expect(during.filter((a) => a.status !== undefined).length).toBeGreaterThan(10);
    for (const attempt of during) {
      if (attempt.status === undefined && attempt.error === undefined) {
        expect(now - attempt.startedAt, `${attempt.email} is still waiting`).toBeLessThan(OUTAGE_ANSWER_MS);
        continue;
      }
      expect(attempt, attempt.email).toMatchObject({ status: 503, body: { type: 'ServiceUnavailable' } });
      expect(attempt.ms, attempt.email).toBeLessThan(OUTAGE_ANSWER_MS);
    }
  });

  it('when the database is back, the service recovers by itself within seconds', async () => {
    expectAlive('is not running when the database comes back');
    cluster!.start();
    upAt = Date.now();
    await until('/readyz to answer 200 again', 15_000, async () => ((await call(`${base}/readyz`)).status === 200 ? true : undefined));
    const readyAfter = Date.now() - upAt;
    expect(readyAfter).toBeLessThan(10_000);

    const fresh = await call(`${api}/invites`, { method: 'POST', token, body: { email: 'after-outage@example.com', role: 'view' } });
    expect(fresh.status, JSON.stringify(fresh.body)).toBe(201);
    // The load, too, gets 201s again.
    const before = load!.acknowledged().length;
    await until('5 more acknowledged invites from the load', 10_000, async () => (load!.acknowledged().length >= before + 5 ? true : undefined));
    expectAlive('died after the database came back');
  });

  it('no write acknowledged with 201, before, during or after the outage, is lost; no answer was a 500 or a hang', async () => {
    await load!.stop();
    const attempts = load!.attempts;
    expect(attempts.filter((a) => a.error !== undefined), 'requests without an HTTP answer').toEqual([]);
    const statuses = new Set(attempts.map((a) => a.status));
    expect([...statuses].sort(), 'statuses seen by the load').toEqual([201, 503]);
    for (const a of attempts) expect(a.ms, `${a.email} took`).toBeLessThan(OUTAGE_ANSWER_MS + 2000);

    const list = await call(`${api}/invites`, { token });
    expect(list.status).toBe(200);
    const present = new Set((list.body.items as { email: string }[]).map((i) => i.email));
    const acknowledged = [...load!.acknowledged(), 'after-outage@example.com'];
    expect(acknowledged.filter((email) => !present.has(email)), 'acknowledged invites missing from the list').toEqual([]);
    expect(attempts.filter((a) => a.status === 503).length, 'refused load requests').toBeGreaterThan(0);
    // A write refused while the database was down left nothing behind.
    expect(present.has('during-outage@example.com')).toBe(false);
  });
});
