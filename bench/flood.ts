/**
 * `npm run bench:flood`: what a flood of refused public requests costs an administrator. For
 * Gatehouse on SQLite and on PostgreSQL, with the per-address limit of the public endpoints on,
 * the admin list's latency over a few connections (a) alone, (b) while a second process floods
 * `GET /invites?token=x&email=y` from the same address at a fixed rate (answered 429 past the
 * limit), and (c) while it floods an unknown path at the same rate (404, no database work in any
 * version): (c) is the price of the load generator and of HTTP on this machine, (b) minus (c)
 * the price of the refusals themselves. Conditions and servers take turns, in reversed order
 * every round; the table gives the median round. Writes bench/results/flood.json.
 *
 * Options: --seconds N, --rounds N, --connections N and --list-rate N (admin list, req/s; 0 for as
 * fast as answered), --rate N and --flood-connections N (the flood),
 * --stores sqlite,postgres, --before <checkout> (also measure that build, e.g. the code before
 * a change, the same way and in alternation), --out <file>.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFlood, type FloodResult } from './lib/flood.js';
import { load, type LoadResult } from './lib/load.js';
import { ROOT, runMain } from './lib/process.js';
import type { RunningTarget, Seed, Target } from './lib/types.js';
import { gatehousePostgresWith, gatehouseSqliteWith, stopPostgres, type GatehouseOptions } from './targets/gatehouse.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '4' },
    'list-rate': { type: 'string', default: '100' },
    rate: { type: 'string', default: '2000' },
    'flood-connections': { type: 'string', default: '64' },
    stores: { type: 'string', default: 'sqlite,postgres' },
    before: { type: 'string' },
    out: { type: 'string', default: join(ROOT, 'bench/results/flood.json') },
  },
});
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);
const connections = Number(args.connections);
/** The admin list's own pace (0: as fast as it is answered, which saturates the server by itself). */
const listRate = Number(args['list-rate']);
const rate = Number(args.rate);
const floodConnections = Number(args['flood-connections']);
/** The flood starts this long before the admin list is measured and ends this long after. */
const LEAD_S = 1;
const TAIL_S = 0.5;
const seed: Seed = { invites: 1000, members: 0, acceptPool: 0 };
/** The public per-address limit at its default; the others off, so that only it decides. */
const ENV = { GATEHOUSE_RATE_LIMIT_ADDRESS: '60/1m' };

type Condition = 'alone' | 'flood-429' | 'flood-404';
const CONDITIONS: Condition[] = ['alone', 'flood-429', 'flood-404'];
/** The refused public request and a path no route serves; both ask to close, as a 429 answer does anyway. */
const FLOOD: Record<Exclude<Condition, 'alone'>, { path: string; close: boolean }> = {
  'flood-429': { path: '/invites?token=x&email=y%40example.com', close: true },
  'flood-404': { path: '/no-such-path', close: true },
};

const builds: Required<Pick<GatehouseOptions, 'root' | 'label'>>[] = [{ label: args.before ? 'after' : 'this', root: ROOT }];
if (args.before) builds.push({ label: 'before', root: resolve(args.before) });
const stores = args.stores!.split(',');
const targets: { store: string; build: string; target: Target }[] = stores.flatMap((store) =>
  builds.map((b) => ({ store, build: b.label, target: (store === 'postgres' ? gatehousePostgresWith : gatehouseSqliteWith)({ ...b, env: ENV }) })),
);
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-flood-bench-'));
const running: RunningTarget[] = [];

interface Measurement {
  admin: LoadResult;
  flood?: FloodResult;
}

async function measure(t: RunningTarget, condition: Condition, secs: number): Promise<Measurement> {
  const admin = () => load({ url: t.url, pid: t.pid, connections, seconds: secs, ...(listRate > 0 && { rate: listRate }), next: () => t.request('list-invites', 0) });
  if (condition === 'alone') return { admin: await admin() };
  const flood = await startFlood({ url: t.url, ...FLOOD[condition], rate, connections: floodConnections, seconds: LEAD_S + secs + TAIL_S });
  await new Promise((r) => setTimeout(r, LEAD_S * 1000));
  const result = await admin();
  return { admin: result, flood: await flood.done };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const loadBefore = loadavg().map((l) => Math.round(l * 100) / 100);
  const live: { store: string; build: string; name: string; t: RunningTarget }[] = [];
  const skipped: Record<string, string> = {};
  for (const { store, build, target } of targets) {
    const reason = await target.unavailable();
    if (reason) {
      skipped[target.name] = reason;
      console.error(`*** SKIPPED ${target.name}: ${reason} ***`);
      continue;
    }
    const folder = join(dir, target.name);
    mkdirSync(folder);
    const t = await target.start({ dir: folder, seed });
    running.push(t);
    live.push({ store, build, name: target.name, t });
    console.error(`started ${target.name}`);
  }

  // Every pair of server and condition, in reversed order every other round.
  const pairs = live.flatMap((l) => CONDITIONS.map((condition) => ({ ...l, condition })));
  for (const p of pairs) await measure(p.t, p.condition, 1); // warm-up (and each flood's first 60 answers)
  const results = new Map<string, Measurement[]>();
  for (let round = 0; round < rounds; round++) {
    for (const p of round % 2 ? [...pairs].reverse() : pairs) {
      const m = await measure(p.t, p.condition, seconds);
      const key = `${p.name}/${p.condition}`;
      results.set(key, [...(results.get(key) ?? []), m]);
      const f = m.flood ? `; flood ${m.flood.rps}/s, ${JSON.stringify(m.flood.statusCodes)}, errors ${m.flood.errors}` : '';
      console.error(`  round ${round + 1} ${key}: list ${m.admin.rps}/s p50 ${m.admin.p50} ms p99 ${m.admin.p99} ms errors ${m.admin.errors}${f}`);
    }
  }
  for (const t of running.splice(0)) await t.stop();

  const rows = pairs.map(({ store, build, name, condition }) => {
    const ms = results.get(`${name}/${condition}`)!;
    const floods = ms.flatMap((m) => (m.flood ? [m.flood] : []));
    const answered = floods.reduce((n, f) => n + f.requests, 0);
    const refused = floods.reduce((n, f) => n + (f.statusCodes['429'] ?? 0), 0);
    return {
      store,
      build,
      condition,
      list: {
        p50: median(ms.map((m) => m.admin.p50)),
        p99: median(ms.map((m) => m.admin.p99)),
        rps: median(ms.map((m) => m.admin.rps)),
        errors: ms.reduce((n, m) => n + m.admin.errors, 0),
        rounds: ms.map((m) => ({ p50: m.admin.p50, p99: m.admin.p99, rps: m.admin.rps })),
      },
      flood: floods.length
        ? {
            rps: median(floods.map((f) => f.rps)),
            share429: answered ? Math.round((refused / answered) * 1000) / 1000 : 0,
            statusCodes: floods.reduce<Record<string, number>>((acc, f) => {
              for (const [code, n] of Object.entries(f.statusCodes)) acc[code] = (acc[code] ?? 0) + n;
              return acc;
            }, {}),
            errors: floods.reduce((n, f) => n + f.errors, 0),
          }
        : null,
    };
  });

  console.log(`\nadmin list ${listRate || 'as fast as answered'}/s over ${connections} connections, ${rounds} × ${seconds} s per condition; flood ${rate}/s over ${floodConnections} connections`);
  console.log('store | build | condition | list p50 / p99 ms | list req/s | flood req/s (429 share)');
  for (const r of rows) {
    const flood = r.flood ? `${r.flood.rps} (${Math.round(r.flood.share429 * 100)} % 429)` : '—';
    console.log(`${r.store} | ${r.build} | ${r.condition} | ${r.list.p50} / ${r.list.p99} | ${r.list.rps} | ${flood}`);
  }
  for (const [name, reason] of Object.entries(skipped)) console.log(`SKIPPED ${name}: ${reason}`);

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform, loadAverage: { atStart: loadBefore, atEnd: loadavg().map((l) => Math.round(l * 100) / 100) } };
  const config = { seconds, rounds, connections, listRate, rate, floodConnections, leadSeconds: LEAD_S, env: ENV, seed, flood: FLOOD, builds: builds.map((b) => ({ ...b, root: b.root === ROOT ? '.' : b.root })) };
  mkdirSync(join(args.out!, '..'), { recursive: true });
  writeFileSync(args.out!, `${JSON.stringify({ at: new Date().toISOString(), machine, config, skipped, rows }, null, 2)}\n`);
  console.error(`written to ${args.out}`);
}

const cleanup = async () => {
  for (const t of running.splice(0)) await t.stop().catch(() => {});
  stopPostgres();
  rmSync(dir, { recursive: true, force: true });
};
runMain(main, cleanup);
