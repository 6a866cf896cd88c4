/**
 * `npm run bench`: Gatehouse against the floor (bench/floor.ts) and a peer (better-auth's
 * organization plugin), scenario by scenario, targets in alternation within one run, so that
 * the ratios hold on a noisy machine. Then list latency as one org grows. Prints a table and
 * writes bench/results/latest.json (`--smoke`: a seconds-long pass for CI, to smoke.json).
 *
 * Options: --smoke, --seconds N, --rounds N, --connections N, --targets a,b, --no-growth,
 * --before <checkout> (that build as gatehouse-sqlite-before, e.g. a worktree of an earlier commit).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { growth, type GrowthResult } from './lib/growth.js';
import { load, type LoadResult } from './lib/load.js';
import { ROOT, runMain } from './lib/process.js';
import { report } from './lib/report.js';
import type { RunningTarget, ScenarioName, Seed, Target } from './lib/types.js';
import { floor } from './targets/floor.js';
import { gatehousePostgres, gatehouseSqlite, gatehouseSqliteWith, stopPostgres } from './targets/gatehouse.js';
import { peer, peerAllRows } from './targets/peer.js';

const { values: args } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    seconds: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string', default: '16' },
    targets: { type: 'string' },
    'no-growth': { type: 'boolean', default: false },
    // Another checkout's build (e.g. a worktree of the commit before a change) as one more target.
    before: { type: 'string' },
  },
});
const smoke = args.smoke!;
const seconds = Number(args.seconds ?? (smoke ? 1 : 5));
const rounds = Number(args.rounds ?? (smoke ? 1 : 3));
const warmup = smoke ? 0.5 : 2;
const connections = Number(args.connections);
const seed: Seed = { invites: 1000, members: 1000, acceptPool: smoke ? 2000 : 30_000 };
const growthSizes = smoke ? [1000, 3000] : [1000, 10_000, 100_000];

const SCENARIOS: ScenarioName[] = ['get-invite', 'list-invites', 'list-invites-all', 'list-members', 'create-invite', 'accept-invite'];

const all = [gatehouseSqlite, gatehousePostgres, floor, peer, peerAllRows];
const chosen = args.targets ? all.filter((t) => args.targets!.split(',').includes(t.name)) : all;
if (args.before) chosen.unshift(gatehouseSqliteWith({ root: resolve(args.before), label: 'before' }));
const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
const running = new Map<Target, RunningTarget>();
const skipped: Record<string, string> = {};

async function main() {
  for (const target of chosen) {
    const reason = await target.unavailable();
    if (reason) {
      skipped[target.name] = reason;
      console.error(`*** SKIPPED ${target.name}: ${reason} ***`);
      continue;
    }
    console.error(`starting ${target.name} (seeding ${seed.invites} invites, ${seed.members} members, ${seed.acceptPool} links)…`);
    const started = Date.now();
    const folder = join(dir, target.name);
    mkdirSync(folder);
    running.set(target, await target.start({ dir: folder, seed }));
    console.error(`  ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  // One counter per target and scenario: a write never reuses an email or a link.
  const used = new Map<string, number>();
  // The runs still to come per target and scenario (the warm-up and each round): the links left
  // are shared out among them, so that a fast target cannot use its pool up before the last round.
  const runsLeft = new Map<string, number>();
  const results: Record<string, Record<string, LoadResult[]>> = {};
  const run = async (target: Target, t: RunningTarget, scenario: ScenarioName, secs: number) => {
    const key = `${target.name}/${scenario}`;
    const left = runsLeft.get(key) ?? rounds + 1;
    runsLeft.set(key, left - 1);
    if (!t.request(scenario, used.get(key) ?? 0)) return null;
    const pool = scenario === 'accept-invite' ? Math.floor((seed.acceptPool - (used.get(key) ?? 0)) / Math.max(left, 1)) : undefined;
    return load({
      url: t.url,
      pid: t.pid,
      connections,
      seconds: secs,
      maxRequests: pool,
      next: () => {
        const i = used.get(key) ?? 0;
        used.set(key, i + 1);
        return t.request(scenario, i);
      },
    });
  };
  for (const scenario of SCENARIOS) {
    const order = [...running];
    for (const [target, t] of order) await run(target, t, scenario, warmup);
    for (let round = 0; round < rounds; round++) {
      // Alternate the order each round so that no target always runs first (or last) on a warm machine.
      for (const [target, t] of round % 2 ? [...order].reverse() : order) {
        const r = await run(target, t, scenario, seconds);
        if (!r) continue;
        ((results[scenario] ??= {})[target.name] ??= []).push(r);
        console.error(`  ${scenario} ${target.name} round ${round + 1}: ${r.rps}/s p50 ${r.p50} ms p99 ${r.p99} ms errors ${r.errors}`);
      }
    }
  }
  for (const t of running.values()) await t.stop();
  running.clear();

  let grown: GrowthResult[] = [];
  if (!args['no-growth']) {
    // Every Gatehouse build chosen, --before's included: the growth of each, side by side.
    const stores = chosen.filter((t) => t.name.startsWith('gatehouse-') && !skipped[t.name]);
    grown = await growth(stores, growthSizes, join(dir, 'growth'), { connections: 4, seconds: smoke ? 0.5 : 3 });
  }

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, platform: process.platform };
  const out = report({ smoke, seconds, rounds, connections, seed, machine, skipped, results, growth: grown });
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  const file = join(ROOT, 'bench/results', smoke ? 'smoke.json' : 'latest.json');
  writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), ...out }, null, 2)}\n`);
  console.error(`written to ${file}`);
}

const cleanup = async () => {
  for (const t of running.values()) await t.stop().catch(() => {});
  stopPostgres();
  rmSync(dir, { recursive: true, force: true });
};
runMain(main, cleanup);
