/**
 * `npm run bench:growth`: what one instance's size costs on PostgreSQL. For each size (1,000 and
 * 1,000,000 invites by default) a fresh database of one throwaway cluster gets one instance of
 * 100 orgs, one of them holding 12 % of the invites, bulk-loaded with SQL in the shape of the
 * rows the API writes (invites, their sent mail, audit entries, the events still in retention,
 * the users and memberships of the accepted ones); then one `gatehouse serve` per size answers
 * the same requests, one at a time over one connection each, the sizes taking turns. Prints median and p95 per scenario and size, the
 * ratio, the plans of the store's statements at the largest size, table and index sizes, and
 * writes everything to bench/results/growth.json (`--smoke`: small sizes, to growth-smoke.json).
 *
 * Options: --sizes 1000,1000000, --requests N (per scenario and size), --smoke.
 * See bench/CAPACITY.md for what the figures mean.
 */
import { Agent, request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createDatabase, startCluster, type Cluster } from '../test/helpers/postgres.js';
import { Auth } from '../src/domain/tokens.js';
import { Invitations } from '../src/domain/invitations.js';
import type { Actor } from '../src/domain/audit.js';
import { newId } from '../src/domain/ids.js';
import { newOrg } from '../src/domain/orgs.js';
import { hashSecret, newSecret } from '../src/domain/secrets.js';
import { parseEml } from '../src/mail/eml.js';
import { inviteMailComposer } from '../src/mail/templates.js';
import { openStore } from '../src/store/open.js';
import { ROOT, runMain, spawnServer, type Child } from './lib/process.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    requests: { type: 'string' },
  },
});
const smoke = args.smoke!;
const sizes = (args.sizes ?? (smoke ? '1000,20000' : '1000,1000000')).split(',').map(Number);
const requests = Number(args.requests ?? (smoke ? 20 : 200));
const warmup = Math.max(5, Math.round(requests / 10));

const ORGS = 100;
/** Percent of an instance's invites in its biggest org: 120,000 of 1,000,000, 102,000 of them pending. */
const BIG_SHARE = 12;
const PER_PAGE = 100;
const DAY_MS = 24 * 3600_000;
const TTL_MS = 7 * DAY_MS;
/** Invites are spread over a year; events are kept 30 days (GATEHOUSE_EVENT_RETENTION), a day's margin kept so the server's first prune finds nothing. */
const SPAN_DAYS = 365;
const EVENT_DAYS = 29;
/** One hex digit of the local part: the prefix glob matches 1/16 of the org at every size. */
const PREFIX_GLOB = 'p4*';
/** One of 97 domains, without a literal prefix: the list walks the org's index to find it. */
const SUFFIX_GLOB = '*@example7.com';

interface Fixture {
  database: string;
  instanceId: string;
  token: string;
  tokenId: string;
  bigOrg: string;
  /** Pending invites of the big org (expired ones included: the list shows them). */
  bigPending: number;
  /** A pending invite in the middle of the big org. */
  someInvite: string;
  loadSeconds: number;
}

interface Timing {
  scenario: string;
  size: number;
  n: number;
  medianMs: number;
  p95Ms: number;
  /** Answers other than the expected status. */
  errors: number;
  /** Bytes of the last answer. */
  bytes: number;
  note?: string;
}

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-growth-'));
let cluster: Cluster | undefined;
const servers: Child<{ url: string }>[] = [];

/** One size's database and its running server. */
interface Running {
  size: number;
  f: Fixture;
  base: string;
  mailDir: string;
  /** Invites created so far (each with its own email). */
  created: number;
}

async function main() {
  const started = Date.now();
  const loadAtStart = loadavg().map((l) => Math.round(l * 100) / 100);
  cluster = await startCluster();
  const timings: Timing[] = [];
  const running: Running[] = [];
  for (const size of sizes) {
    console.error(`size ${size.toLocaleString('en')}: loading…`);
    const f = await seed(size);
    console.error(`  loaded in ${f.loadSeconds.toFixed(1)} s (big org: ${f.bigPending.toLocaleString('en')} pending)`);
    const mailDir = join(dir, `mail-${size}`);
    mkdirSync(mailDir);
    const server = await spawnServer<{ url: string }>(process.execPath, [join(ROOT, 'bin/gatehouse.js'), 'serve', '--json'], {
      PORT: '0',
      HOST: '127.0.0.1',
      GATEHOUSE_DATABASE: f.database,
      GATEHOUSE_MAIL: `file:${mailDir}`,
      GATEHOUSE_RATE_LIMIT_ADDRESS: 'off',
      GATEHOUSE_RATE_LIMIT_EMAIL: 'off',
      GATEHOUSE_LOCKOUT: 'off',
      GATEHOUSE_RATE_LIMIT_TOKEN: 'off',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    });
    servers.push(server);
    running.push({ size, f, base: server.ready.url, mailDir, created: 0 });
  }
  const spare = await measure(running, timings);
  for (const server of servers.splice(0)) await server.stop();

  const largest = running.at(-1)!;
  console.error('plans and sizes…');
  const relations = await relationSizes(largest.f.database);
  const plans = await explainAll(largest.f, spare, relations);
  const pgVersion = (await one(largest.f.database, 'select version() as v')).v as string;
  const fixtures = Object.fromEntries(running.map(({ size, f }) => [size, { instanceId: f.instanceId, bigOrg: f.bigOrg, bigPending: f.bigPending, someInvite: f.someInvite, loadSeconds: f.loadSeconds }]));

  const machine = {
    cpus: cpus().length,
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    free: execFileSync('free', ['-g'], { encoding: 'utf8' }).trim(),
    // Other sessions share this machine: the load says how much they took.
    loadAverageAtStart: loadAtStart,
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    node: process.version,
    postgres: pgVersion,
  };
  const out = { at: new Date().toISOString(), seconds: Math.round((Date.now() - started) / 1000), smoke, sizes, requests, machine, fixtures, timings, relations, extrapolated: extrapolate(relations, Math.max(...sizes)), plans };
  print(out);
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', smoke ? 'growth-smoke.json' : 'growth.json');
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.error(`written to ${file} in ${out.seconds} s`);
}

/**
 * A database with one instance of `size` invites. The instance, orgs and token go through the
 * store (so their rows are the real ones); the bulk is SQL, shaped after what the API writes:
 * per invite one outbox row (sent, so its bodies are gone) and one audit entry; per ending
 * (accept, reject, revoke) another entry; per acceptance a user and a membership; events for
 * the last 29 days only, as retention leaves them. Indexes stay in place while loading, so
 * their sizes are those of an index grown row by row, not freshly built.
 */
async function seed(size: number): Promise<Fixture> {
  const database = await createDatabase(cluster!.adminUrl, `growth${size}`);
  const store = await openStore(database);
  const now = new Date();
  const instanceId = newId();
  const token = newSecret();
  const tokenId = newId();
  const orgIds: string[] = [];
  try {
    await store.insertInstance({ id: instanceId, name: 'Growth', createdAt: now.toISOString() });
    for (let i = 0; i < ORGS; i++) {
      const org = newOrg(instanceId, { name: i === 0 ? 'Big Org' : `Org ${String(i).padStart(3, '0')}` }, new Date(now.getTime() - (SPAN_DAYS + 1) * DAY_MS));
      await store.insertOrg(org);
      orgIds.push(org.id);
    }
    await store.insertToken({ id: tokenId, instanceId, userId: null, orgId: null, scopes: ['all.Instance'], createdAt: now.toISOString(), expiresAt: null, revokedAt: null }, hashSecret(token));
  } finally {
    await store.close();
  }

  const loadStarted = Date.now();
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    await client.query(`set maintenance_work_mem = '256MB'`);
    await client.query('create temp table org_ids (n int primary key, id text collate "C", name text)');
    await client.query('insert into org_ids select n - 1, id, name from unnest($1::text[], $2::text[]) with ordinality as u(id, name, n)', [
      orgIds,
      orgIds.map((_, i) => (i === 0 ? 'Big Org' : `Org ${String(i).padStart(3, '0')}`)),
    ]);
    const p = { now: now.toISOString(), token: tokenId, size, span: SPAN_DAYS, ttl: TTL_MS, events: new Date(now.getTime() - EVENT_DAYS * DAY_MS).toISOString() };
    // Text dates as the store writes them: ISO 8601 in UTC with milliseconds.
    const iso = (ts: string) => `to_char((${ts}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
    // An ObjectId-like id of the row's instant, a middle part per table, and a counter: ids sort in time order as newId's do.
    const oid = (ts: string, middle: string, i: string) => `lpad(to_hex(floor(extract(epoch from ${ts}))::bigint), 8, '0') || '${middle}' || lpad(to_hex((${i}) % 16777216), 6, '0')`;
    // Statuses from a hash of i, so they are independent of the org (which i % 100 picks):
    // 10 % accepted (the members), 3 % revoked, 2 % rejected, 85 % pending, most of those
    // expired long ago, as an instance a year old holds them.
    await client.query(
      `insert into invites (id, org_id, email, role, application_roles, dashboard_roles, disallow_transfer, token_hash, invite_date, ttl, expires_at, status, invited_by_token_id, expired_event_at)
       select ${oid('s.at', 'b0b0b0b0b0', 's.i')}, o.id, s.email, 'view', '[]', '[]', 0,
              encode(sha256(convert_to('growth-' || s.i, 'UTF8')), 'hex'),
              ${iso('s.at')}, $5::bigint, ${iso(`s.at + make_interval(secs => $5::bigint / 1000.0)`)},
              s.status, $2::text,
              case when s.status = 'pending' and s.at + make_interval(secs => $5::bigint / 1000.0) < $1::timestamptz then ${iso(`s.at + make_interval(secs => $5::bigint / 1000.0)`)} end
       from (
         select i,
                $1::timestamptz - make_interval(secs => $4::int * 86400.0 * ($3::int - i) / $3::int) as at,
                'p' || substr(md5(i::text), 1, 8) || '.' || i || '@example' || (i % 97) || '.com' as email,
                case when i % 100 < ${BIG_SHARE} then 0 else 1 + i % ${ORGS - 1} end as org,
                case when abs(hashint4(i)) % 100 < 10 then 'accepted' when abs(hashint4(i)) % 100 < 13 then 'revoked'
                     when abs(hashint4(i)) % 100 < 15 then 'rejected' else 'pending' end as status
         from generate_series(0, $3::int - 1) as i
       ) s join org_ids o on o.n = s.org
       order by s.i`,
      [p.now, p.token, p.size, p.span, p.ttl],
    );
    // The invite's position, for the other tables' ids and dates.
    await client.query(`create temp table inv as select id, org_id, email, status, invite_date, expires_at, expired_event_at, ('x' || right(id, 6))::bit(24)::int as i, invite_date::timestamptz as at from invites`);
    await client.query(
      `insert into outbox (id, invite_id, to_address, subject, text_body, html_body, status, attempts, next_attempt_at, lease_until, last_error, created_at, sent_at)
       select ${oid('v.at', 'b1b1b1b1b1', 'v.i')}, v.id, v.email, 'You are invited to join ' || o.name, null, null, 'sent', 1, v.invite_date, null, null, v.invite_date,
              ${iso(`v.at + interval '1 second'`)}
       from inv v join org_ids o on o.id = v.org_id order by v.i`,
    );
    await client.query(
      `insert into users (id, email, first_name, last_name, avatar_url, two_factor_auth_enabled, sso_linked, created_at)
       select ${oid(`v.at + interval '1 day'`, 'b2b2b2b2b2', 'v.i')}, v.email, null, null, null, 0, 0, ${iso(`v.at + interval '1 day'`)}
       from inv v where v.status = 'accepted' order by v.i`,
    );
    await client.query(
      `insert into org_members (org_id, user_id, email, role, application_roles, dashboard_roles, disallow_transfer, created_at)
       select v.org_id, u.id, v.email, 'view', '[]', '[]', 0, u.created_at from inv v join users u on u.email = v.email where v.status = 'accepted' order by v.i`,
    );
    await client.query(
      `insert into audit_log (id, instance_id, org_id, at, action, token_id, user_id, address, target_id, email, details)
       select id, $1::text, org_id, at, action, token_id, user_id, '127.0.0.1', target_id, email, details from (
         select ${oid('v.at', 'b3b3b3b3b3', 'v.i')} as id, v.org_id, v.invite_date as at, 'instanceOrgInvites.post' as action, $2::text as token_id, null as user_id,
                v.id as target_id, v.email, '{"role":"view","applicationRoles":[],"dashboardRoles":[],"replaced":[]}' as details, v.i, 0 as k
         from inv v
         union all
         select ${oid(`v.at + interval '1 day'`, 'b4b4b4b4b4', 'v.i')}, v.org_id, ${iso(`v.at + interval '1 day'`)},
                case v.status when 'accepted' then 'orgInvites.accept' when 'rejected' then 'orgInvites.reject' else 'instanceOrgInvite.delete' end,
                case when v.status = 'revoked' then $2::text end, u.id, v.id, v.email,
                case when v.status = 'revoked' then '{}' else '{"role":"view"}' end, v.i, 1
         from inv v left join users u on u.email = v.email where v.status in ('accepted', 'rejected', 'revoked')
       ) a order by at, k`,
      [instanceId, tokenId],
    );
    // Event data as publish writes it (the instance and org, the invite's fields, the actor).
    const data = (extra: string, actor: string) =>
      `'{"instanceId":"' || $1::text || '","orgId":"' || v.org_id || '","inviteId":"' || v.id || '","email":"' || v.email || '",' || ${extra} || '"actor":' || ${actor} || '}'`;
    const grant = `'"role":"view","applicationRoles":[],"dashboardRoles":[],'`;
    const api = `'{"tokenId":"' || $2::text || '","via":"api"}'`;
    const link = `'{"userId":"' || u.id || '","via":"invite_link"}'`;
    await client.query(
      `insert into events (id, instance_id, seq, org_id, type, at, data)
       select ${oid('e.at::timestamptz', 'b5b5b5b5b5', 'row_number() over (order by e.at, e.i, e.k)')}, $1::text, row_number() over (order by e.at, e.i, e.k), e.org_id, e.type, e.at, e.data from (
         select v.i, 0 as k, v.org_id, 'invite.created' as type, v.invite_date as at, ${data(`${grant} || '"expiresAt":"' || v.expires_at || '",'`, api)} as data from inv v where v.invite_date >= $3
         union all
         select v.i, 1, v.org_id, 'mail.sent', ${iso(`v.at + interval '1 second'`)}, ${data(`''`, `'{"via":"system"}'`)} from inv v where v.invite_date >= $3
         union all
         select v.i, 2, v.org_id, 'invite.accepted', u.created_at, ${data(`${grant} || '"userId":"' || u.id || '",'`, link)}
         from inv v join users u on u.email = v.email where v.status = 'accepted' and u.created_at >= $3 and u.created_at <= $4
         union all
         select v.i, 3, v.org_id, 'member.added', u.created_at, ${data(`${grant} || '"userId":"' || u.id || '",'`, link)}
         from inv v join users u on u.email = v.email where v.status = 'accepted' and u.created_at >= $3 and u.created_at <= $4
         union all
         select v.i, 4, v.org_id, 'invite.' || v.status, ${iso(`v.at + interval '1 day'`)}, ${data(`${grant}`, `case when v.status = 'revoked' then ${api} else '{"via":"invite_link"}' end`)}
         from inv v where v.status in ('rejected', 'revoked') and ${iso(`v.at + interval '1 day'`)} between $3 and $4
         union all
         select v.i, 5, v.org_id, 'invite.expired', v.expired_event_at, ${data(`${grant} || '"expiresAt":"' || v.expires_at || '",'`, `'{"via":"system"}'`)}
         from inv v where v.expired_event_at >= $3
       ) e`,
      [instanceId, tokenId, p.events, p.now],
    );
    await client.query(`insert into event_counters (instance_id, last_seq) select $1::text, coalesce(max(seq), 0) from events`, [instanceId]);
    // Autovacuum would have done this on a live instance; without it, index-only scans visit the heap.
    await client.query('vacuum (analyze)');
    const big = orgIds[0];
    const pending = Number((await client.query(`select count(*) as n from invites where org_id = $1 and status = 'pending'`, [big])).rows[0].n);
    const middle = (await client.query(`select id from invites where org_id = $1 and status = 'pending' order by invite_date offset $2 limit 1`, [big, Math.floor(pending / 2)])).rows[0].id as string;
    return { database, instanceId, token, tokenId, bigOrg: big, bigPending: pending, someInvite: middle, loadSeconds: (Date.now() - loadStarted) / 1000 };
  } finally {
    await client.end();
  }
}

interface Answer {
  status: number;
  ms: number;
  bytes: number;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request over the kept-alive connection, timed until the last byte of the answer. */
function send(base: string, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const started = performance.now();
    const req = httpRequest(url, { method, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const all = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, bytes: all.length, body: all });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The scenarios, each request alone on its connection. Within a scenario the sizes take turns
 * in rounds, the order reversed every round, so that both see the same machine (other work on
 * it moves latencies by more than most differences here). Create comes before accept: the
 * invites it makes are the ones accepted, their tokens read from the mail the server wrote.
 * Returns one link of the largest size left over for the plans.
 */
async function measure(running: Running[], out: Timing[]): Promise<{ token: string; email: string }> {
  const rounds = requests >= 30 ? 3 : 1;
  const email = (i: number) => `growth-new-${i}@example.com`;
  const links = new Map<Running, { token: string; email: string }[]>();
  type Request = { method: string; path: string; headers?: Record<string, string>; body?: string };
  const run = async (scenario: string, expect: number, next: (r: Running, i: number) => Request, o: { n?: number; warm?: number; note?: (r: Running) => string; record?: boolean } = {}) => {
    const n = o.n ?? requests;
    const warm = o.warm ?? warmup;
    const state = new Map(running.map((r) => [r, { i: 0, ms: [] as number[], errors: 0, bytes: 0 }]));
    for (let round = 0; round < rounds; round++) {
      for (const r of round % 2 ? [...running].reverse() : running) {
        const st = state.get(r)!;
        const until = (round === 0 ? warm : 0) + Math.round((n * (round + 1)) / rounds) - Math.round((n * round) / rounds);
        for (let k = 0; k < until; k++) {
          const req = next(r, st.i);
          const a = await send(r.base, req.method, req.path, req.headers ?? {}, req.body);
          if (a.status !== expect && st.errors++ === 0) console.error(`  ${scenario} at ${r.size}: ${a.status} ${a.body.toString('utf8').slice(0, 300)}`);
          st.bytes = a.bytes;
          if (round > 0 || k >= warm) st.ms.push(a.ms);
          st.i++;
        }
      }
    }
    if (o.record === false) return;
    for (const r of running) {
      const st = state.get(r)!;
      const ms = st.ms.sort((a, b) => a - b);
      const t: Timing = { scenario, size: r.size, n: ms.length, medianMs: round2(quantile(ms, 0.5)), p95Ms: round2(quantile(ms, 0.95)), errors: st.errors, bytes: st.bytes, ...(o.note ? { note: o.note(r) } : {}) };
      out.push(t);
      console.error(`  ${scenario} at ${r.size}: median ${t.medianMs} ms, p95 ${t.p95Ms} ms${st.errors ? `, ${st.errors} errors` : ''}`);
    }
  };
  const auth = (r: Running) => ({ authorization: `Bearer ${r.f.token}` });
  const org = (r: Running) => `/instances/${r.f.instanceId}/orgs/${r.f.bigOrg}`;
  const deepPage = (r: Running) => Math.floor((r.f.bigPending * 0.9) / PER_PAGE);
  const get = (path: (r: Running) => string) => (r: Running) => ({ method: 'GET', path: `${org(r)}${path(r)}`, headers: auth(r) });
  // The server's first requests pay for its JIT and the pool's connections.
  await run('(warm-up)', 200, get(() => `/invites?perPage=${PER_PAGE}`), { n: 0, warm: 100, record: false });
  await run('list, first page', 200, get(() => `/invites?perPage=${PER_PAGE}`));
  await run('list, deep page', 200, get((r) => `/invites?perPage=${PER_PAGE}&page=${deepPage(r)}`), { note: (r) => `page ${deepPage(r)} (offset ${deepPage(r) * PER_PAGE})` });
  await run('list, prefix glob', 200, get(() => `/invites?filterField=email&filter=${encodeURIComponent(PREFIX_GLOB)}&perPage=${PER_PAGE}`), { note: () => PREFIX_GLOB });
  await run('list, suffix glob', 200, get(() => `/invites?filterField=email&filter=${encodeURIComponent(SUFFIX_GLOB)}&perPage=${PER_PAGE}`), { n: Math.ceil(requests / 4), note: () => SUFFIX_GLOB });
  await run('get invite', 200, get((r) => `/invites/${r.f.someInvite}`));
  // perPage=1 as in the main bench: the answer to a create is the org's list.
  await run('create invite', 201, (r, i) => ({ method: 'POST', path: `${org(r)}/invites?perPage=1`, headers: auth(r), body: JSON.stringify({ email: email(i), role: 'view' }) }));
  for (const r of running) {
    r.created = warmup + requests;
    // One more at the largest size, for the plans of the accept.
    const extra = await send(r.base, 'POST', `${org(r)}/invites?perPage=1`, auth(r), JSON.stringify({ email: email(r.created), role: 'view' }));
    if (extra.status !== 201) throw new Error(`creating the invite kept for the plans: ${extra.status} ${extra.body.toString('utf8').slice(0, 300)}`);
    r.created++;
    links.set(r, await readLinks(r.mailDir, r.created));
  }
  await run('accept invite', 200, (r, i) => {
    const link = links.get(r)![i];
    return { method: 'POST', path: '/invites', body: JSON.stringify({ email: link.email, token: link.token, accept: true }) };
  });
  // What a client gets without paging (upstream's API has none): every pending invite of the
  // org, read with their mail in one statement of one parameter per invite.
  await run('list, unpaged', 200, get(() => '/invites'), { n: 3, warm: 0, note: () => 'no page or perPage: the whole list' });
  await run('create invite, unpaged answer', 201, (r, i) => ({ method: 'POST', path: `${org(r)}/invites`, headers: auth(r), body: JSON.stringify({ email: `growth-unpaged-${i}@example.com`, role: 'view' }) }), {
    n: 3,
    warm: 0,
    note: () => 'no perPage: the answer is the whole list',
  });
  // A member limit makes every create count the org's seats (members and live invites).
  for (const r of running) await execute(r.f.database, 'update orgs set member_limit = 10000000 where id = $1', [r.f.bigOrg]);
  await run('create invite, member limit', 201, (r, i) => ({ method: 'POST', path: `${org(r)}/invites?perPage=1`, headers: auth(r), body: JSON.stringify({ email: `growth-limited-${i}@example.com`, role: 'view' }) }), {
    n: Math.ceil(requests / 4),
    note: () => 'the org has a member limit',
  });
  for (const r of running) await execute(r.f.database, 'update orgs set member_limit = null where id = $1', [r.f.bigOrg]);
  const largest = running.at(-1)!;
  return links.get(largest)![largest.created - 1];
}

/** The accept links of the `count` invites created, oldest first, once the mail worker has written them all. */
async function readLinks(mailDir: string, count: number): Promise<{ token: string; email: string }[]> {
  const deadline = Date.now() + 120_000;
  let names: string[] = [];
  while ((names = readdirSync(mailDir).filter((n) => n.endsWith('.eml'))).length < count) {
    if (Date.now() > deadline) throw new Error(`only ${names.length} of ${count} mails written in 120 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const links: { token: string; email: string; n: number }[] = [];
  for (const name of names) {
    const mail = await parseEml(name, readFileSync(join(mailDir, name)));
    const url = new URL(mail.link!);
    const email = url.searchParams.get('email')!;
    links.push({ token: url.searchParams.get('token')!, email, n: Number(/growth-new-(\d+)@/.exec(email)![1]) });
  }
  return links.sort((a, b) => a.n - b.n);
}

interface Plan {
  operation: string;
  sql: string;
  parameters: unknown[];
  plan: string;
  /** Tables of 10,000 rows or more the plan scans sequentially. */
  seqScans: string[];
}

/**
 * The statements the store runs for each measured operation, captured with OpenOptions.onQuery
 * from the domain services the routes call, then each explained with its parameters. The two
 * writes run inside a transaction rolled back afterwards, and are explained in the same order
 * inside another, so the data is the data measured and every statement sees what it saw.
 */
async function explainAll(f: Fixture, spare: { token: string; email: string }, relations: Relation[]): Promise<Plan[]> {
  // A sequential scan of a table of a few rows is the right plan; of a big one, a missing index.
  const big = new Set(relations.filter((r) => r.rows >= 10_000).map((r) => r.table));
  let captured: { sql: string; parameters: unknown[] }[] = [];
  const store = await openStore(f.database, { onQuery: (sql, parameters) => captured.push({ sql, parameters: [...parameters] }) });
  const clock = () => new Date();
  const deps = { store, clock, defaultInviteTtlMs: TTL_MS, composeInviteMail: inviteMailComposer(() => 'http://localhost:3000'), onMailQueued: () => {}, onEventsPublished: () => {} };
  const invitations = new Invitations(deps);
  const auth = new Auth(store, clock);
  const apiActor: Actor = { tokenId: f.tokenId, userId: null, address: '127.0.0.1', via: 'api' };
  const deepPage = Math.floor((f.bigPending * 0.9) / PER_PAGE);
  const rollback = new Error('rollback');
  const inRolledBack = async (fn: (inv: Invitations) => Promise<unknown>) => {
    await store
      .transaction(async (s) => {
        await fn(new Invitations({ ...deps, store: s }));
        throw rollback;
      })
      .catch((e) => {
        if (e !== rollback) throw e;
      });
  };
  const operations: [string, () => Promise<unknown>, boolean][] = [
    ['list, first page', () => invitations.list(f.instanceId, f.bigOrg, { perPage: PER_PAGE }), false],
    ['list, deep page', () => invitations.list(f.instanceId, f.bigOrg, { perPage: PER_PAGE, page: deepPage }), false],
    ['list, prefix glob', () => invitations.list(f.instanceId, f.bigOrg, { filterField: 'email', filter: PREFIX_GLOB, perPage: PER_PAGE }), false],
    ['list, suffix glob', () => invitations.list(f.instanceId, f.bigOrg, { filterField: 'email', filter: SUFFIX_GLOB, perPage: PER_PAGE }), false],
    ['get invite', () => invitations.get(f.instanceId, f.bigOrg, f.someInvite), false],
    ['create invite', () => inRolledBack((inv) => inv.create(f.instanceId, f.bigOrg, { email: 'growth-explain@example.com', role: 'view' }, apiActor).then(() => inv.list(f.instanceId, f.bigOrg, { perPage: 1 }))), true],
    ['accept invite', () => inRolledBack((inv) => inv.respond(spare.token, spare.email, true, { tokenId: null, userId: null, address: '127.0.0.1', via: 'invite_link' })), true],
    [
      'create invite, member limit',
      async () => {
        await execute(f.database, 'update orgs set member_limit = 10000000 where id = $1', [f.bigOrg]);
        try {
          await inRolledBack((inv) => inv.create(f.instanceId, f.bigOrg, { email: 'growth-explain@example.com', role: 'view' }, apiActor));
        } finally {
          await execute(f.database, 'update orgs set member_limit = null where id = $1', [f.bigOrg]);
        }
      },
      true,
    ],
  ];
  const client = new pg.Client({ connectionString: f.database });
  await client.connect();
  const plans: Plan[] = [];
  try {
    for (const [operation, fn, writes] of operations) {
      captured = [];
      // Every request authenticates first: the token's lookup is part of each.
      if (operation !== 'accept invite') await auth.authenticate(`Bearer ${f.token}`);
      await fn();
      const statements = captured.filter((c) => !/^(begin|commit|rollback)/i.test(c.sql.trim()));
      if (writes) await client.query('begin');
      try {
        for (const s of statements) {
          const { rows } = await client.query(`explain (analyze, buffers) ${s.sql}`, s.parameters);
          const plan = rows.map((r) => r['QUERY PLAN'] as string).join('\n');
          const seqScans = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]).filter((t) => big.has(t));
          plans.push({ operation, sql: s.sql, parameters: s.parameters.map((v) => (typeof v === 'string' && v.length > 80 ? `${v.slice(0, 77)}…` : v)), plan, seqScans });
        }
      } finally {
        if (writes) await client.query('rollback');
      }
    }
  } finally {
    await client.end();
    await store.close();
  }
  return plans;
}

interface Relation {
  table: string;
  rows: number;
  /** Heap and TOAST. */
  tableBytes: number;
  totalBytes: number;
  indexes: { name: string; bytes: number }[];
}

async function relationSizes(database: string): Promise<Relation[]> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    const tables = (await client.query(`select relname from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace order by pg_total_relation_size(oid) desc`)).rows.map((r) => r.relname as string);
    const out: Relation[] = [];
    for (const table of tables) {
      const rows = Number((await client.query(`select count(*) as n from "${table}"`)).rows[0].n);
      const size = (await client.query(`select pg_table_size($1::regclass) as t, pg_total_relation_size($1::regclass) as a`, [table])).rows[0];
      const indexes = (
        await client.query(`select c.relname as name, pg_relation_size(c.oid) as bytes from pg_index i join pg_class c on c.oid = i.indexrelid where i.indrelid = $1::regclass order by pg_relation_size(c.oid) desc`, [table])
      ).rows.map((r) => ({ name: r.name as string, bytes: Number(r.bytes) }));
      out.push({ table, rows, tableBytes: Number(size.t), totalBytes: Number(size.a), indexes });
    }
    return out;
  } finally {
    await client.end();
  }
}

/**
 * Bytes per row of each table and index at the measured size, times the rows of an instance
 * of 10,000,000 invites made over the same year: every table of 1,000 rows or more grows with
 * the invites (1,000,000 members is 10 % of them, as here; the events of the last 30 days
 * grow with the rate of invites), the small ones (orgs, tokens) stay.
 */
function extrapolate(relations: Relation[], size: number) {
  const factor = 10_000_000 / size;
  return relations
    .filter((r) => r.rows > 0)
    .map((r) => {
      const rows = r.rows < 1000 ? r.rows : Math.round(r.rows * factor);
      return {
        table: r.table,
        rows,
        tableBytes: Math.round((r.tableBytes / r.rows) * rows),
        totalBytes: Math.round((r.totalBytes / r.rows) * rows),
        indexes: r.indexes.map((i) => ({ name: i.name, bytes: Math.round((i.bytes / r.rows) * rows), bytesPerRow: Math.round((i.bytes / r.rows) * 10) / 10 })),
        bytesPerRow: Math.round(r.tableBytes / r.rows),
      };
    });
}

async function execute(database: string, sql: string, parameters: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    await client.query(sql, parameters);
  } finally {
    await client.end();
  }
}

async function one(database: string, sql: string): Promise<Record<string, unknown>> {
  const client = new pg.Client({ connectionString: database });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

const mb = (b: number) => (b / 2 ** 20).toFixed(1);

function print(out: { sizes: number[]; timings: Timing[]; relations: Relation[]; extrapolated: ReturnType<typeof extrapolate>; plans: Plan[]; machine: object }) {
  const [small, large] = [Math.min(...out.sizes), Math.max(...out.sizes)];
  const lines = [`| Scenario | ${small.toLocaleString('en')}: median / p95 ms | ${large.toLocaleString('en')}: median / p95 ms | ratio (median) | ratio (p95) |`, '|---|---|---|---|---|'];
  for (const scenario of [...new Set(out.timings.map((t) => t.scenario))]) {
    const a = out.timings.find((t) => t.scenario === scenario && t.size === small);
    const b = out.timings.find((t) => t.scenario === scenario && t.size === large);
    if (!a || !b) continue;
    const err = (t: Timing) => (t.errors ? ` (${t.errors} errors)` : '');
    lines.push(`| ${scenario} | ${a.medianMs} / ${a.p95Ms}${err(a)} | ${b.medianMs} / ${b.p95Ms}${err(b)} | ${(b.medianMs / a.medianMs).toFixed(2)}x | ${(b.p95Ms / a.p95Ms).toFixed(2)}x |`);
  }
  lines.push('', `Sizes at ${large.toLocaleString('en')} invites (MB):`, '', '| Table | rows | table | total | indexes |', '|---|---|---|---|---|');
  for (const r of out.relations.filter((r) => r.rows > 0)) {
    lines.push(`| ${r.table} | ${r.rows.toLocaleString('en')} | ${mb(r.tableBytes)} | ${mb(r.totalBytes)} | ${r.indexes.map((i) => `${i.name} ${mb(i.bytes)}`).join(', ')} |`);
  }
  lines.push('', 'Extrapolated to 10,000,000 invites (MB):', '', '| Table | rows | table | total | bytes/row |', '|---|---|---|---|---|');
  for (const r of out.extrapolated.filter((r) => r.rows >= 1000)) lines.push(`| ${r.table} | ${r.rows.toLocaleString('en')} | ${mb(r.tableBytes)} | ${mb(r.totalBytes)} | ${r.bytesPerRow} |`);
  lines.push('', `Plans at ${large.toLocaleString('en')} invites:`);
  for (const p of out.plans) lines.push('', `-- ${p.operation}${p.seqScans.length ? `  (SEQ SCAN: ${p.seqScans.join(', ')})` : ''}`, p.sql, `-- ${JSON.stringify(p.parameters)}`, p.plan);
  lines.push('', JSON.stringify(out.machine));
  console.log(lines.join('\n'));
}

const cleanup = async () => {
  for (const server of servers) await server.stop().catch(() => {});
  agent.destroy();
  cluster?.destroy();
  rmSync(dir, { recursive: true, force: true });
};
runMain(main, cleanup);
