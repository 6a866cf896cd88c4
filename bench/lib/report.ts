import type { GrowthResult } from './growth.js';
import type { LoadResult } from './load.js';
import type { ScenarioName, Seed } from './types.js';

/**
 * The targets the issues set: ratios of Gatehouse on SQLite to the floor (0.7x for every
 * scenario, issue 20) and to the peer.
 */
const GOALS: Record<ScenarioName, { floor: number; peer: number }> = {
  'get-invite': { floor: 0.7, peer: 5 },
  'list-invites': { floor: 0.7, peer: 5 },
  'list-invites-all': { floor: 0.7, peer: 5 },
  'list-members': { floor: 0.7, peer: 5 },
  'create-invite': { floor: 0.7, peer: 10 },
  'accept-invite': { floor: 0.7, peer: 10 },
};
/** Growth from the smallest org to the largest; a two-character infix has no trigram to look up, so no goal. */
const GROWTH_GOALS: Record<string, number | null> = { sorted: 1.5, prefix: 1.5, suffix: 3, infix: null, infix3: 3 };
const SUBJECT = 'gatehouse-sqlite';

interface Input {
  smoke: boolean;
  seconds: number;
  rounds: number;
  connections: number;
  seed: Seed;
  machine: Record<string, unknown>;
  skipped: Record<string, string>;
  results: Record<string, Record<string, LoadResult[]>>;
  growth: GrowthResult[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (a?: number, b?: number) => (a && b ? Math.round((a / b) * 100) / 100 : null);

/** Sums the rounds per scenario and target, computes the ratios, prints the tables; returns the JSON. */
export function report(input: Input) {
  const scenarios = Object.entries(input.results).map(([scenario, byTarget]) => {
    const targets = Object.fromEntries(
      Object.entries(byTarget).map(([name, runs]) => [
        name,
        {
          rps: median(runs.map((r) => r.rps)),
          p50: median(runs.map((r) => r.p50)),
          p99: median(runs.map((r) => r.p99)),
          errors: runs.reduce((n, r) => n + r.errors, 0),
          requests: runs.reduce((n, r) => n + r.requests, 0),
          peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
          cpuUsPerRequest: median(runs.map((r) => r.cpuUsPerRequest)),
          roundsRps: runs.map((r) => r.rps),
        },
      ]),
    );
    const goal = GOALS[scenario as ScenarioName];
    const vsFloor = ratio(targets[SUBJECT]?.rps, targets.floor?.rps);
    // The same comparison by CPU per request: the floor's CPU over Gatehouse's.
    const vsFloorCpu = ratio(targets.floor?.cpuUsPerRequest, targets[SUBJECT]?.cpuUsPerRequest);
    // The whole-list scenario is served by the peer without its row cap only (peer-all-rows).
    const vsPeer = ratio(targets[SUBJECT]?.rps, (targets.peer ?? targets['peer-all-rows'])?.rps);
    return {
      scenario,
      targets,
      vsFloor,
      vsFloorCpu,
      vsPeer,
      goal,
      met: { floor: vsFloor === null ? null : vsFloor >= goal.floor, peer: vsPeer === null ? null : vsPeer >= goal.peer },
    };
  });

  const growthRows = Object.entries(GROWTH_GOALS).flatMap(([query, limit]) =>
    [...new Set(input.growth.map((g) => g.target))].map((target) => {
      const rows = input.growth.filter((g) => g.target === target && g.query === query).sort((a, b) => a.invites - b.invites);
      const grew = ratio(rows.at(-1)?.meanMs, rows[0]?.meanMs);
      return { target, query, meanMs: Object.fromEntries(rows.map((r) => [r.invites, r.meanMs])), grew, limit, met: grew === null || limit === null ? null : grew <= limit };
    }),
  );

  const lines: string[] = [];
  const fmt = (n: number | null | undefined, suffix = '') => (n === null || n === undefined ? '—' : `${n}${suffix}`);
  const mark = (m: boolean | null) => (m === null ? '' : m ? ' ok' : ' MISSED');
  const names = [...new Set(scenarios.flatMap((s) => Object.keys(s.targets)))];
  lines.push(`\n${input.smoke ? 'SMOKE (figures not meaningful) — ' : ''}${input.connections} connections, ${input.rounds} × ${input.seconds} s per scenario and target`);
  lines.push(['scenario', ...names.map((n) => `${n} req/s (p50/p99 ms, err, MB, CPU µs/req)`), 'vs floor', 'vs floor by CPU', 'vs peer'].join(' | '));
  for (const s of scenarios) {
    const cells = names.map((n) => {
      const t = s.targets[n];
      return t ? `${t.rps} (${t.p50}/${t.p99}, ${t.errors}, ${t.peakRssMb}, ${t.cpuUsPerRequest})` : '—';
    });
    lines.push([s.scenario, ...cells, `${fmt(s.vsFloor, 'x')}${mark(s.met.floor)}`, fmt(s.vsFloorCpu, 'x'), `${fmt(s.vsPeer, 'x')}${mark(s.met.peer)}`].join(' | '));
  }
  if (growthRows.length) {
    lines.push('\nlist latency as one org grows (mean ms per request, one connection)');
    for (const g of growthRows) {
      lines.push(`${g.target} ${g.query}: ${Object.entries(g.meanMs).map(([n, ms]) => `${n}: ${ms}`).join(', ')} → ${fmt(g.grew, 'x')} (${g.limit === null ? 'no limit' : `limit ${g.limit}x`})${mark(g.met)}`);
    }
  }
  for (const [name, reason] of Object.entries(input.skipped)) lines.push(`SKIPPED ${name}: ${reason}`);
  console.log(lines.join('\n'));
  const { results: _raw, growth, ...rest } = input;
  return { ...rest, scenarios, growth: { rows: growth, summary: growthRows } };
}
