/**
 * `npm run bench:webhooks`: what webhooks cost, on SQLite and on PostgreSQL, with a local
 * receiver (lib/receiver-server.ts, its own process) that answers every delivery 200 at once.
 *
 * 1. **Create**: the bench's create-invite scenario against two servers of the same build, one
 *    without webhook endpoints and one with three endpoints subscribed to every event (created
 *    through the API, pointing at the receiver), the two taking turns in reversed order every
 *    round (5 rounds: on this 2-core machine one round's ratio moved from 0.44 to 0.90); the
 *    ratio of their median rounds, with / without (goal ≥ 0.8). After every run the
 *    bench waits until the server is quiet (each invite's mail written; on the webhook server
 *    each of its events received three times), so that no run pays for the one before, and
 *    reports how long that took and how many deliveries were still owed when the load stopped.
 * 2. **Drain**: a backlog of `--events` invite events × 3 endpoints, written through `publish`
 *    (as a change writes them) before the server starts; the deliveries per second arriving at
 *    the receiver (goal ≥ 1,000/s) and the time from the server's start to the last one. A fresh
 *    database every round, the stores in reversed order every round; the median round.
 *
 * Writes bench/results/webhooks.json (`--smoke`: a seconds-long pass of the harness, to
 * bench/tmp/webhooks-smoke.json).
 *
 * Options: --smoke, --seconds N, --rounds N, --connections N, --events N (drain backlog),
 * --stores sqlite,postgres, --phases create,drain, --out <file>, --profile <folder> (each server
 * writes a V8 CPU profile there when it stops, named by its process id; the log names the ids),
 * --meter (each server counts its SQL statements, lib/statement-meter.mjs; each run prints
 * them by code path, per invite or per delivery, and the JSON keeps them), --server-import
 * <file.mjs> (repeatable: a module every server loads first with `node --import`, to try a
 * change of dist/ without rebuilding, e.g. a patched store method).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { publish, SYSTEM, type NewEvent } from '../src/domain/events.js';
import { newId } from '../src/domain/ids.js';
import { newWebhookSecret } from '../src/domain/secrets.js';
import { openStore } from '../src/store/open.js';
import { openDatabase } from '../src/store/sqlite-native.js';
import { load, type LoadResult } from './lib/load.js';
import { cpuSecondsOf, ROOT, rssOf, runMain } from './lib/process.js';
import { startReceiver, type Receiver } from './lib/receiver.js';
import type { Fixtures } from './lib/seed.js';
import type { Seed } from './lib/types.js';
import { gatehousePostgresWith, gatehouseSqliteWith, stopPostgres, type GatehouseOptions, type RunningGatehouse } from './targets/gatehouse.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    events: { type: 'string' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    phases: { type: 'string', default: 'create,drain' },
    out: { type: 'string' },
    profile: { type: 'string' },
    meter: { type: 'boolean', default: false },
    'server-import': { type: 'string', multiple: true },
  },
});
const smoke = args.smoke!;
const seconds = Number(args.seconds ?? (smoke ? 1 : 5));
const rounds = Number(args.rounds ?? (smoke ? 1 : 5));
const warmup = smoke ? 0 : 2;
const connections = Number(args.connections ?? (smoke ? 4 : 16));
/** Events in the drain backlog; three deliveries each. */
const backlogEvents = Number(args.events ?? (smoke ? 300 : 10_000));
const stores = args.stores!.split(',') as ('sqlite' | 'postgres')[];
const phases = args.phases!.split(',');
const out = args.out ?? join(ROOT, smoke ? 'bench/tmp/webhooks-smoke.json' : 'bench/results/webhooks.json');
/** Every server writes a V8 CPU profile (`--cpu-prof`) into this folder when it stops. */
const nodeArgs = args.profile ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args.profile)}`] : [];
/** With --meter, every server counts its SQL statements (lib/statement-meter.mjs) and each run reports them. */
const meterDir = args.meter ? mkdtempSync(join(tmpdir(), 'gatehouse-meter-')) : null;
if (meterDir) nodeArgs.push('--import', pathToFileURL(join(ROOT, 'bench/lib/statement-meter.mjs')).href);
// Modules every server loads first: a change tried on the built code without rebuilding (a patched store method, say).
for (const file of args['server-import'] ?? []) nodeArgs.push('--import', pathToFileURL(resolve(file)).href);

const ENDPOINTS = 3;
/** Each created invite makes two events: `invite.created`, then `mail.sent` once the mail worker has sent it. */
const EVENTS_PER_INVITE = 2;
const GOALS = { ratio: 0.8, deliveriesPerSecond: 1000 };
/** Loopback endpoints (the receiver) are refused by default. */
const ENV = { GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' };
/** As the main bench's create scenario: org A with 1,000 pending invites and 1,000 members; invites go to the empty org C. */
const CREATE_SEED: Seed = smoke ? { invites: 100, members: 100, acceptPool: 0 } : { invites: 1000, members: 1000, acceptPool: 0 };
/** A server that is still catching up this long after the load stopped is reported as stuck. */
const QUIET_TIMEOUT_MS = 300_000;
/** The drain gives up when no delivery has arrived for this long. */
const STALL_MS = 30_000;

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-webhook-bench-'));
const running = new Set<RunningGatehouse>();
let receiver: Receiver | undefined;

const target = (store: string, options: GatehouseOptions) =>
  (store === 'postgres' ? gatehousePostgresWith : gatehouseSqliteWith)({ nodeArgs, ...options, env: { ...ENV, ...(meterDir && { BENCH_METER_DIR: meterDir }), ...options.env } });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round2 = (n: number) => Math.round(n * 100) / 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mailCount = (folder: string) => {
  try {
    return readdirSync(folder).filter((f) => f.endsWith('.eml')).length;
  } catch {
    return 0;
  }
};

/** Rows of a query on a server's database, beside the server (SQLite read-only; the store's one writer stays the server). */
async function query(database: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (/^postgres(ql)?:/.test(database)) {
    const client = new pg.Client({ connectionString: database });
    await client.connect();
    try {
      let n = 0;
      return (await client.query(sql.replace(/\?/g, () => `$${++n}`), params)).rows;
    } finally {
      await client.end();
    }
  }
  // One read-only connection per file, kept (and its statements cached) as the store keeps its own (src/store/sqlite-native.ts).
  let db = readers.get(database);
  if (!db) readers.set(database, (db = openDatabase(database, { readonly: true })));
  return db.prepare(sql).all(...params) as Record<string, unknown>[];
}
const readers = new Map<string, ReturnType<typeof openDatabase>>();

/**
 * The invites a server has created in org C, once the requests still in flight when the load
 * stopped have been answered (autocannon does not count those, but the server made them).
 */
async function createdInvites(s: CreateServer): Promise<number> {
  const count = async () => Number((await query(s.t.database, 'select count(*) as n from invites where org_id = ?', [s.t.fixtures.orgC]))[0].n);
  for (let last = -1; ; await sleep(200)) {
    const n = await count();
    if (n === last) return n;
    last = n;
  }
}

/** Which code path runs a statement, told by its SQL (the store's statements for the webhook outbox and for `publish`). */
const STATEMENT_KINDS: [RegExp, string][] = [
  [/^update "webhook_deliveries" set "status" = \S+, "lease_until"/, 'worker claim: UPDATE per delivery'],
  [/^select "id" from "webhook_deliveries"/, 'worker claim: due and stale SELECTs'],
  [/^select "d"\.\*/, 'worker claim: batch SELECT with endpoint and event'],
  [/^insert into "webhook_attempts"/, 'worker finish: attempts INSERT'],
  [/^update "webhook_deliveries" set "status" = \S+, "attempts"/, 'worker finish: UPDATE per delivery'],
  [/^insert into "webhook_deliveries"/, 'publish: deliveries INSERT'],
  [/from "webhooks"/, 'publish: enabled endpoints SELECT'],
  [/"event_counters"/, 'publish: event counter'],
  [/^insert into "events"/, 'publish: events INSERT'],
  [/^(begin|commit|rollback)/i, 'begin / commit'],
  [/"outbox"/, 'mail outbox'],
  [/"invites"|"org_members"|"users"|"orgs"|"audit_log"|"api_tokens"|"instances"|"rate_limits"|pg_advisory_xact_lock/, 'request statements'],
];
const kindOf = (sql: string) => STATEMENT_KINDS.find(([re]) => re.test(sql))?.[1] ?? 'other';
type Statements = Record<string, { n: number; ms: number }>;
const meterDumps = new Map<number, number>();

/** What the server's statement meter counted since the last call, by kind (null without --meter). */
async function meter(pid: number): Promise<Statements | null> {
  if (!meterDir) return null;
  const n = (meterDumps.get(pid) ?? 0) + 1;
  meterDumps.set(pid, n);
  process.kill(pid, 'SIGUSR2');
  const file = join(meterDir, `${pid}.${n}.json`);
  for (let waited = 0; !existsSync(file); waited += 20) {
    if (waited > 10_000) throw new Error(`the statement meter of ${pid} wrote nothing`);
    await sleep(20);
  }
  await sleep(20); // written with one writeFileSync: whole once the next tick has run
  const out: Statements = {};
  for (const row of JSON.parse(readFileSync(file, 'utf8')) as { sql: string; n: number; ms: number }[]) {
    const k = (out[kindOf(row.sql)] ??= { n: 0, ms: 0 });
    k.n += row.n;
    k.ms += row.ms;
  }
  return Object.fromEntries(Object.entries(out).sort((a, b) => b[1].ms - a[1].ms).map(([k, v]) => [k, { n: v.n, ms: Math.round(v.ms) }]));
}

const printStatements = (label: string, st: Statements | null | undefined, per: number, unit: string, seconds: number) => {
  if (!st) return;
  console.error(`    statements of ${label}, per ${unit} and ms per second of the run:`);
  for (const [k, v] of Object.entries(st)) console.error(`      ${(v.n / per).toFixed(2).padStart(7)} per ${unit}  ${(v.ms / seconds).toFixed(0).padStart(5)} ms/s  ${k}`);
};

/** One server of the create phase: with or without endpoints, and what it has been asked so far. */
interface CreateServer {
  store: string;
  config: 'without' | 'with';
  t: RunningGatehouse;
  /** The receiver's path prefix of its endpoints; null without. */
  prefix: string | null;
  /** Requests handed to autocannon (the i of the next email). */
  used: number;
  /** Invites created so far, warm-up included, as its database counts them. */
  created: number;
}

interface CreateRun extends LoadResult {
  /** Deliveries the receiver got during the run (with endpoints). */
  deliveredDuring: number | null;
  /** Deliveries still owed when the load stopped. */
  owedAtEnd: number | null;
  /** From the end of the load until the server was quiet (mail written, deliveries received), ms. */
  quietAfterMs: number;
  /** Invites per second over the run and the wait until quiet: what the server sustains with its mail and deliveries done. */
  sustainedRps: number;
  /** Server CPU seconds per second of the run (1 = one core). */
  serverCores: number;
  /** The machine's load average over the last minute, at the end of the run. */
  load1: number;
  /** With --meter: the statements the server ran during the load, by kind. */
  statements?: Statements | null;
}

async function createEndpoints(t: RunningGatehouse, prefix: string): Promise<void> {
  for (let k = 1; k <= ENDPOINTS; k++) {
    const res = await fetch(`${t.url}/instances/${t.fixtures.instanceId}/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.fixtures.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver!.url}${prefix}${k}` }),
    });
    const body = (await res.json()) as { secret?: string };
    if (res.status !== 201 || !body.secret?.startsWith('whsec_')) throw new Error(`creating a webhook endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  }
}

/** Waits until every invite's mail is written and, with endpoints, every delivery of their events received. */
async function untilQuiet(s: CreateServer): Promise<number> {
  const start = Date.now();
  for (;;) {
    const mails = mailCount(s.t.mailDir);
    const owed = s.prefix ? ENDPOINTS * EVENTS_PER_INVITE * s.created - (await receiver!.count(s.prefix)).unique : 0;
    if (mails >= s.created && owed <= 0) return Date.now() - start;
    const exited = s.t.exited();
    if (exited) throw new Error(`${s.store} ${s.config}: the server stopped: ${exited}`);
    if (Date.now() - start > QUIET_TIMEOUT_MS) throw new Error(`${s.store} ${s.config}: not quiet after ${QUIET_TIMEOUT_MS / 1000} s (${mails} of ${s.created} mails, ${owed} deliveries owed)`);
    await sleep(100);
  }
}

async function createRun(s: CreateServer, secs: number): Promise<CreateRun> {
  const before = s.prefix ? (await receiver!.count(s.prefix)).unique : 0;
  await meter(s.t.pid);
  const cpu = cpuSecondsOf(s.t.pid);
  const r = await load({ url: s.t.url, pid: s.t.pid, connections, seconds: secs, next: () => s.t.request('create-invite', s.used++) });
  const cores = (cpuSecondsOf(s.t.pid) - cpu) / r.seconds;
  const statements = await meter(s.t.pid);
  const atEnd = s.prefix ? (await receiver!.count(s.prefix)).unique : 0;
  s.created = await createdInvites(s);
  const quietAfterMs = await untilQuiet(s);
  return {
    ...r,
    deliveredDuring: s.prefix ? atEnd - before : null,
    owedAtEnd: s.prefix ? ENDPOINTS * EVENTS_PER_INVITE * s.created - atEnd : null,
    quietAfterMs,
    sustainedRps: Math.round((r.requests - r.errors) / (r.seconds + quietAfterMs / 1000)),
    serverCores: round2(cores),
    load1: round2(loadavg()[0]),
    ...(statements && { statements }),
  };
}

async function createPhase(store: string) {
  const servers: CreateServer[] = [];
  for (const config of ['without', 'with'] as const) {
    const folder = join(dir, `create-${store}-${config}`);
    mkdirSync(folder);
    const t = await target(store, { label: config }).start({ dir: folder, seed: CREATE_SEED });
    running.add(t);
    const prefix = config === 'with' ? `/${store}/create/` : null;
    if (prefix) await createEndpoints(t, prefix);
    servers.push({ store, config, t, prefix, used: 0, created: 0 });
    console.error(`started ${store} ${config} webhooks (pid ${t.pid})`);
  }
  if (warmup > 0) for (const s of servers) await createRun(s, warmup);
  const runs: Record<'without' | 'with', CreateRun[]> = { without: [], with: [] };
  for (let round = 0; round < rounds; round++) {
    for (const s of round % 2 ? [...servers].reverse() : servers) {
      const r = await createRun(s, seconds);
      runs[s.config].push(r);
      const hooks = s.prefix ? `; ${r.deliveredDuring} delivered during, ${r.owedAtEnd} owed at the end` : '';
      console.error(`  create ${store} ${s.config} round ${round + 1}: ${r.rps}/s p50 ${r.p50} ms p99 ${r.p99} ms errors ${r.errors}, server ${r.serverCores} cores${hooks}; quiet ${r.quietAfterMs} ms later (sustained ${r.sustainedRps}/s); load ${r.load1}`);
      printStatements(`${store} ${s.config} webhooks`, r.statements, Math.max(1, r.requests), 'invite', r.seconds);
    }
  }
  // What each server was sent in the end: every delivery once, none malformed.
  const received = servers[1].prefix ? await receiver!.stats(servers[1].prefix) : null;
  for (const s of servers) {
    await s.t.stop();
    running.delete(s.t);
  }
  const summary = (rs: CreateRun[]) => ({
    rps: median(rs.map((r) => r.rps)),
    p50: median(rs.map((r) => r.p50)),
    p99: median(rs.map((r) => r.p99)),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    requests: rs.reduce((n, r) => n + r.requests, 0),
    peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)),
    serverCores: median(rs.map((r) => r.serverCores)),
    /** Invites per second of server CPU: what another process on the machine takes from a run counts less here. */
    perCoreRps: median(rs.map((r) => Math.round(r.rps / Math.max(0.01, r.serverCores)))),
    quietAfterMs: median(rs.map((r) => r.quietAfterMs)),
    sustainedRps: median(rs.map((r) => r.sustainedRps)),
    roundsRps: rs.map((r) => r.rps),
    /** Every round as measured (with --meter, its statements by kind). */
    rounds: rs,
    ...(rs[0].deliveredDuring !== null && {
      deliveredDuringPerSecond: median(rs.map((r) => Math.round(r.deliveredDuring! / r.seconds))),
      owedAtEnd: median(rs.map((r) => r.owedAtEnd!)),
    }),
  });
  const without = summary(runs.without);
  const withHooks = summary(runs.with);
  const ratio = round2(withHooks.rps / without.rps);
  return {
    store,
    without,
    with: withHooks,
    ratio,
    /** Each round's with / without, the two runs of a round being neighbours in time. */
    roundRatios: runs.with.map((r, i) => round2(r.rps / runs.without[i].rps)),
    /** The same of the sustained rates: the load and the wait until the mail and the deliveries are done. */
    sustainedRatio: round2(withHooks.sustainedRps / without.sustainedRps),
    /** The same per second of server CPU (SQLite: the server is bound by its one thread). */
    perCoreRatio: round2(withHooks.perCoreRps / without.perCoreRps),
    goal: GOALS.ratio,
    met: ratio >= GOALS.ratio,
    received: received && { total: received.total, unique: received.unique, duplicates: received.total - received.unique, malformed: received.malformed, expected: ENDPOINTS * EVENTS_PER_INVITE * servers[1].created },
  };
}

/** Three endpoints at the receiver and `events` invite events, through the store as a change writes them. */
async function writeBacklog(database: string, f: Fixtures, prefix: string, events: number): Promise<void> {
  const store = await openStore(database);
  try {
    const now = new Date();
    const at = now.toISOString();
    for (let k = 1; k <= ENDPOINTS; k++) {
      await store.insertWebhook({
        id: newId(), instanceId: f.instanceId, orgId: null, url: `${receiver!.url}${prefix}${k}`, events: null, description: null, enabled: true,
        disabledReason: null, secret: newWebhookSecret(), previousSecret: null, previousSecretUntil: null, createdAt: at, updatedAt: at,
      });
    }
    const expiresAt = new Date(now.getTime() + 7 * 24 * 3600_000).toISOString();
    for (let start = 0; start < events; start += 500) {
      const batch: NewEvent[] = [];
      for (let i = start; i < Math.min(events, start + 500); i++) {
        const data = { inviteId: newId(), email: `backlog${i}@example.com`, role: 'view' as const, applicationRoles: [], dashboardRoles: [], expiresAt };
        batch.push({ type: 'invite.created', instanceId: f.instanceId, orgId: f.orgC, data });
      }
      await store.transaction((s) => publish(s, now, SYSTEM, batch));
    }
  } finally {
    await store.close();
  }
}

/** The deliveries by status and attempts, and the failed attempts by error: what a stalled drain left. */
async function outboxState(database: string): Promise<unknown> {
  return {
    deliveries: await query(database, 'select status, attempts, count(*) as n, min(next_attempt_at) as next from webhook_deliveries group by status, attempts'),
    failures: await query(database, 'select error, status_code, count(*) as n from webhook_attempts where status_code is null or status_code >= 300 group by error, status_code'),
  };
}

interface DrainRun {
  deliveries: number;
  duplicates: number;
  malformed: number;
  /** From the server's start (its ready line) to the last delivery. */
  drainSeconds: number;
  /** Deliveries over the time from the first to the last. */
  perSecond: number;
  /** The middle 80 % of deliveries over the time they took: without the start and the tail. */
  steadyPerSecond: number;
  peakPerSecond: number;
  /** Server and receiver CPU seconds per second of the drain (1 = one core). */
  serverCores: number;
  receiverCores: number;
  peakRssMb: number;
  /** The machine's load average over the last minute, at the end of the drain. */
  load1: number;
  /** With --meter: the statements the server ran from its start until the last delivery, by kind. */
  statements?: Statements | null;
}

async function drainRun(store: string, round: number): Promise<DrainRun> {
  const folder = join(dir, `drain-${store}-${round}`);
  mkdirSync(folder);
  const prefix = `/${store}/drain${round}/`;
  const expected = ENDPOINTS * backlogEvents;
  const t = await target(store, { label: 'drain', prepare: (db, f) => writeBacklog(db, f, prefix, backlogEvents) }).start({ dir: folder, seed: { invites: 0, members: 0, acceptPool: 0 } });
  const readyAt = Date.now();
  running.add(t);
  if (nodeArgs.length) console.error(`  drain ${store} round ${round + 1}: server pid ${t.pid}`);
  try {
    await meter(t.pid);
    const cpu = cpuSecondsOf(t.pid);
    const receiverCpu = cpuSecondsOf(receiver!.pid);
    let peak = rssOf(t.pid);
    let last = { unique: 0, at: Date.now() };
    for (;;) {
      peak = Math.max(peak, rssOf(t.pid));
      const { unique } = await receiver!.count(prefix);
      if (unique >= expected) break;
      const exited = t.exited();
      if (exited) throw new Error(`${store} drain: the server stopped after ${unique} of ${expected} deliveries: ${exited}`);
      if (unique > last.unique) last = { unique, at: Date.now() };
      else if (Date.now() - last.at > STALL_MS) {
        throw new Error(`${store} drain: ${unique} of ${expected} deliveries, none for ${STALL_MS / 1000} s; the outbox: ${JSON.stringify(await outboxState(t.database))}`);
      }
      await sleep(100);
    }
    const drainedAt = Date.now();
    const statements = await meter(t.pid);
    const [serverCpu, rCpu] = [cpuSecondsOf(t.pid) - cpu, cpuSecondsOf(receiver!.pid) - receiverCpu];
    const s = await receiver!.stats(prefix);
    const span = (s.lastAt! - s.firstAt!) / 1000;
    const wall = (drainedAt - readyAt) / 1000;
    return {
      deliveries: s.unique,
      duplicates: s.total - s.unique,
      malformed: s.malformed,
      drainSeconds: round2((s.lastAt! - readyAt) / 1000),
      perSecond: Math.round(s.unique / span),
      steadyPerSecond: Math.round((0.8 * s.unique) / ((s.p90At! - s.p10At!) / 1000)),
      peakPerSecond: s.peakPerSecond,
      serverCores: round2(serverCpu / wall),
      receiverCores: round2(rCpu / wall),
      peakRssMb: Math.round((peak / 1048576) * 10) / 10,
      load1: round2(loadavg()[0]),
      ...(statements && { statements }),
    };
  } finally {
    await t.stop();
    running.delete(t);
    rmSync(folder, { recursive: true, force: true });
  }
}

async function drainPhase(live: string[]) {
  const runs = new Map<string, DrainRun[]>(live.map((s) => [s, []]));
  for (let round = 0; round < rounds; round++) {
    for (const store of round % 2 ? [...live].reverse() : live) {
      const r = await drainRun(store, round);
      runs.get(store)!.push(r);
      const line = `  drain ${store} round ${round + 1}: ${r.deliveries} deliveries in ${r.drainSeconds} s, ${r.perSecond}/s (middle 80 %: ${r.steadyPerSecond}/s, peak second ${r.peakPerSecond}), server ${r.serverCores} cores, receiver ${r.receiverCores}, ${r.peakRssMb} MB, duplicates ${r.duplicates}; load ${r.load1}`;
      console.error(line);
      printStatements(`${store} drain`, r.statements, r.deliveries, 'delivery', r.drainSeconds);
    }
  }
  return live.map((store) => {
    const rs = runs.get(store)!;
    const perSecond = median(rs.map((r) => r.perSecond));
    return {
      store,
      backlog: { events: backlogEvents, endpoints: ENDPOINTS, deliveries: ENDPOINTS * backlogEvents },
      perSecond,
      steadyPerSecond: median(rs.map((r) => r.steadyPerSecond)),
      drainSeconds: median(rs.map((r) => r.drainSeconds)),
      serverCores: median(rs.map((r) => r.serverCores)),
      receiverCores: median(rs.map((r) => r.receiverCores)),
      peakRssMb: Math.max(...rs.map((r) => r.peakRssMb)),
      duplicates: rs.reduce((n, r) => n + r.duplicates, 0),
      malformed: rs.reduce((n, r) => n + r.malformed, 0),
      rounds: rs,
      goal: GOALS.deliveriesPerSecond,
      met: perSecond >= GOALS.deliveriesPerSecond,
    };
  });
}

async function main() {
  const loadAtStart = loadavg().map(round2);
  const skipped: Record<string, string> = {};
  const live: string[] = [];
  for (const store of stores) {
    const t = target(store, {});
    const reason = await t.unavailable();
    if (reason) {
      skipped[t.name] = reason;
      console.error(`*** SKIPPED ${t.name}: ${reason} ***`);
    } else live.push(store);
  }
  receiver = await startReceiver();
  const create = [];
  if (phases.includes('create')) for (const store of live) create.push(await createPhase(store));
  const drain = phases.includes('drain') ? await drainPhase(live) : [];

  const lines = [`\n${smoke ? 'SMOKE (figures not meaningful) — ' : ''}create invite, ${connections} connections, ${rounds} × ${seconds} s per server; ${ENDPOINTS} endpoints, every event`];
  lines.push('store | without req/s (p50/p99 ms, err, cores) | with req/s (p50/p99 ms, err, cores) | with / without (goal) | each round | delivered during /s | owed at end | quiet after | sustained without / with, ratio | per CPU-second without / with, ratio');
  for (const c of create) {
    const cell = (x: typeof c.without) => `${x.rps} (${x.p50}/${x.p99}, ${x.errors}, ${x.serverCores})`;
    lines.push(`${c.store} | ${cell(c.without)} | ${cell(c.with)} | ${c.ratio}x (${c.goal}) ${c.met ? 'ok' : 'MISSED'} | ${c.roundRatios.join(', ')} | ${c.with.deliveredDuringPerSecond} | ${c.with.owedAtEnd} | ${c.with.quietAfterMs} ms | ${c.without.sustainedRps} / ${c.with.sustainedRps}, ${c.sustainedRatio}x | ${c.without.perCoreRps} / ${c.with.perCoreRps}, ${c.perCoreRatio}x`);
  }
  if (drain.length) {
    lines.push(`\ndrain a backlog of ${backlogEvents} events × ${ENDPOINTS} endpoints, ${rounds} rounds`);
    lines.push('store | deliveries/s (goal) | middle 80 % /s | drained in s | server cores | receiver cores | duplicates');
    for (const d of drain) lines.push(`${d.store} | ${d.perSecond} (${d.goal}) ${d.met ? 'ok' : 'MISSED'} | ${d.steadyPerSecond} | ${d.drainSeconds} | ${d.serverCores} | ${d.receiverCores} | ${d.duplicates}`);
  }
  for (const [name, reason] of Object.entries(skipped)) lines.push(`SKIPPED ${name}: ${reason}`);
  console.log(lines.join('\n'));

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform, loadAverage: { atStart: loadAtStart, atEnd: loadavg().map(round2) } };
  const config = { smoke, seconds, rounds, warmup, connections, endpoints: ENDPOINTS, eventsPerInvite: EVENTS_PER_INVITE, backlogEvents, seed: CREATE_SEED, env: ENV, goals: GOALS };
  mkdirSync(join(out, '..'), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine, config, skipped, create, drain }, null, 2)}\n`);
  console.error(`written to ${out}`);
}

const cleanup = async () => {
  for (const t of running) await t.stop().catch(() => {});
  await receiver?.stop().catch(() => {});
  stopPostgres();
  rmSync(dir, { recursive: true, force: true });
  if (meterDir) rmSync(meterDir, { recursive: true, force: true });
};
runMain(main, cleanup);
