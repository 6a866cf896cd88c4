import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from './load.js';
import type { Target } from './types.js';

/** The list queries whose cost must not grow with the org: a sorted page and three globs. */
export const GROWTH_QUERIES = {
  sorted: 'sortField=email&sortDirection=asc&perPage=100',
  prefix: 'filterField=email&filter=seed1*&sortField=email&perPage=100',
  suffix: 'filterField=email&filter=*%40example.com&sortField=email&perPage=100',
  // Two characters: no trigram to look up, so every pending invite of the org is read.
  infix: 'filterField=email&filter=*99*&sortField=email&perPage=100',
  // Three: the trigram index (0.3 % of the org at 100,000).
  infix3: 'filterField=email&filter=*999*&sortField=email&perPage=100',
} as const;

export interface GrowthResult {
  target: string;
  invites: number;
  query: keyof typeof GROWTH_QUERIES;
  /** Mean time per request with one connection, in ms (precise where percentiles are whole ms). */
  meanMs: number;
  p99: number;
  rps: number;
  errors: number;
}

/**
 * For each store and org size: a fresh database with that many pending invites in one org, then
 * each list query for a few seconds over one connection.
 */
export async function growth(targets: Target[], sizes: number[], dir: string, o: { connections: number; seconds: number }): Promise<GrowthResult[]> {
  const out: GrowthResult[] = [];
  for (const target of targets) {
    for (const invites of sizes) {
      const folder = join(dir, `${target.name}-${invites}`);
      mkdirSync(folder, { recursive: true });
      console.error(`growth: ${target.name} with ${invites} invites in one org…`);
      const t = await target.start({ dir: folder, seed: { invites, members: 0, acceptPool: 0 } });
      try {
        const base = t.request('list-invites', 0)!;
        const path = base.path.split('?')[0];
        for (const [query, qs] of Object.entries(GROWTH_QUERIES) as [keyof typeof GROWTH_QUERIES, string][]) {
          const next = () => ({ ...base, path: `${path}?${qs}` });
          await load({ url: t.url, pid: t.pid, connections: 1, seconds: Math.min(1, o.seconds), next });
          const r = await load({ url: t.url, pid: t.pid, connections: 1, seconds: o.seconds, next });
          out.push({ target: target.name, invites, query, meanMs: Math.round(((r.seconds * 1000) / Math.max(1, r.requests)) * 100) / 100, p99: r.p99, rps: r.rps, errors: r.errors });
          console.error(`  ${query}: ${out.at(-1)!.meanMs} ms mean, p99 ${r.p99} ms`);
        }
      } finally {
        await t.stop();
      }
    }
  }
  return out;
}
