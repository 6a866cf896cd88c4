/**
 * `tsx bench/webhook-worker.ts [sqlite|postgres] [events]`: the webhook delivery worker alone, in
 * this process, on a backlog of `events` (default 5,000) invite events × 3 endpoints at the
 * bench's receiver (lib/receiver-server.ts). No HTTP server, no mail worker: where the time of
 * one delivery goes, for changing the worker or the store and measuring again in seconds.
 *
 * Prints the deliveries per second, the wall time of each batch's three phases (the claim, the
 * POSTs side by side, the transaction recording the outcomes), and every SQL statement by text:
 * how many, and the time spent in them (better-sqlite3: running them; pg: from the call until
 * the answer). PostgreSQL runs on a throwaway cluster, as in the bench.
 */
import { BlockList } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { publish, SYSTEM, type NewEvent } from '../src/domain/events.js';
import { newId } from '../src/domain/ids.js';
import { newWebhookSecret } from '../src/domain/secrets.js';
import type { Store } from '../src/domain/store.js';
import { openStore } from '../src/store/open.js';
import { DeliveryWorker } from '../src/webhooks/delivery-worker.js';
import { createDatabase, startCluster, type Cluster } from '../test/helpers/postgres.js';
import { runMain } from './lib/process.js';
import { startReceiver, type Receiver } from './lib/receiver.js';

const kind = process.argv[2] ?? 'sqlite';
const events = Number(process.argv[3] ?? 5000);
const ENDPOINTS = 3;

const statements = new Map<string, { n: number; ms: number }>();
let metering = false;
const note = (sql: string, ms: number) => {
  if (!metering) return;
  const key = sql.replace(/\s+/g, ' ').replace(/\((\?|\$\d+), .*/, '(…').slice(0, 90);
  const s = statements.get(key) ?? { n: 0, ms: 0 };
  s.n++;
  s.ms += ms;
  statements.set(key, s);
};

/** Times every statement: better-sqlite3's Statement methods (one prototype) and pg's Client#query. */
function meterStatements(): void {
  const probe = new Sqlite(':memory:');
  (globalThis as { benchProbe?: unknown }).benchProbe = probe; // never finalised (src/store/sqlite-native.ts)
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, (...a: unknown[]) => unknown>;
  for (const method of ['run', 'all', 'get']) {
    const original = proto[method];
    proto[method] = function (this: { source: string }, ...a: unknown[]) {
      const started = performance.now();
      try {
        return original.apply(this, a);
      } finally {
        note(this.source, performance.now() - started);
      }
    };
  }
  const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
  (pg.Client.prototype as unknown as { query: unknown }).query = function (this: unknown, config: unknown, ...rest: unknown[]) {
    const text = typeof config === 'string' ? config : (config as { text?: string })?.text;
    const started = performance.now();
    const result = query.call(this, config, ...rest) as Promise<unknown> | undefined;
    if (text && result && typeof result.then === 'function') result.then(() => note(text, performance.now() - started), () => {});
    return result;
  };
}

let receiver: Receiver | undefined;
let cluster: Cluster | undefined;
let folder: string | undefined;
let store: Store | undefined;

async function main() {
  meterStatements();
  receiver = await startReceiver();
  if (kind === 'postgres') cluster = await startCluster();
  const database = cluster ? await createDatabase(cluster.adminUrl, 'worker') : join((folder = mkdtempSync(join(tmpdir(), 'gatehouse-worker-'))), 'gatehouse.db');
  store = await openStore(database);
  const instanceId = newId();
  const at = new Date().toISOString();
  await store.insertInstance({ id: instanceId, name: 'Worker bench', createdAt: at });
  for (let k = 1; k <= ENDPOINTS; k++) {
    await store.insertWebhook({
      id: newId(), instanceId, orgId: null, url: `${receiver.url}/worker/${k}`, events: null, description: null, enabled: true, disabledReason: null,
      secret: newWebhookSecret(), previousSecret: null, previousSecretUntil: null, createdAt: at, updatedAt: at,
    });
  }
  for (let start = 0; start < events; start += 500) {
    const batch: NewEvent[] = [];
    for (let i = start; i < Math.min(events, start + 500); i++) {
      batch.push({ type: 'invite.created', instanceId, orgId: null, data: { inviteId: newId(), email: `backlog${i}@example.com`, role: 'view', applicationRoles: [], dashboardRoles: [] } });
    }
    await store.transaction((s) => publish(s, new Date(), SYSTEM, batch));
  }

  // The worker's three phases, timed through its store: the claim, then the POSTs until the
  // transaction that records their outcomes begins, then that transaction.
  const phases = { claim: 0, posts: 0, finish: 0, batches: 0 };
  let claimed = 0;
  const timed = new Proxy(store, {
    get(target, prop, receiver_) {
      const value = Reflect.get(target, prop, receiver_) as unknown;
      if (prop === 'claimDueDeliveries') {
        return async (...a: Parameters<Store['claimDueDeliveries']>) => {
          const started = performance.now();
          const rows = await target.claimDueDeliveries(...a);
          claimed = performance.now();
          phases.claim += claimed - started;
          if (rows.length) phases.batches++;
          return rows;
        };
      }
      if (prop === 'transaction') {
        return async <T>(fn: (s: Store) => Promise<T>) => {
          const started = performance.now();
          phases.posts += started - claimed;
          try {
            return await target.transaction(fn);
          } finally {
            phases.finish += performance.now() - started;
          }
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const worker = new DeliveryWorker({ store: timed, clock: () => new Date(), log: console, policy: { allowAll: true, exceptions: new BlockList() }, schedule: [5000], retentionMs: 30 * 86_400_000, sweepMs: Number.MAX_SAFE_INTEGER });
  // The expiry sweep is not measured: drain() runs it only once sweepMs has passed since the last.
  (worker as unknown as { lastSweep: number }).lastSweep = Date.now();
  metering = true;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await worker.drain();
  const wall = performance.now() - started;
  metering = false;
  const used = process.cpuUsage(cpu);
  const { unique } = await receiver.count('/worker/');
  const per = (ms: number) => `${Math.round(ms)} ms (${Math.round((100 * ms) / wall)} %, ${(ms / phases.batches).toFixed(2)} ms a batch)`;
  console.log(`${kind}: ${unique} of ${ENDPOINTS * events} deliveries in ${Math.round(wall)} ms: ${Math.round(unique / (wall / 1000))}/s, this process's CPU ${Math.round((used.user + used.system) / 1000)} ms`);
  console.log(`  ${phases.batches} batches: claim ${per(phases.claim)}, POSTs ${per(phases.posts)}, recording ${per(phases.finish)}`);
  const total = [...statements.values()].reduce((n, s) => n + s.n, 0);
  const time = [...statements.values()].reduce((n, s) => n + s.ms, 0);
  console.log(`  ${total} statements (${(total / unique).toFixed(2)} a delivery), ${Math.round(time)} ms in them (${Math.round((100 * time) / wall)} % of the wall time):`);
  for (const [sql, s] of [...statements].sort((a, b) => b[1].ms - a[1].ms)) {
    console.log(`  ${String(s.n).padStart(7)} × ${((s.ms * 1000) / s.n).toFixed(0).padStart(5)} µs = ${String(Math.round(s.ms)).padStart(5)} ms  ${sql}`);
  }
}

const cleanup = async () => {
  await store?.close().catch(() => {});
  await receiver?.stop().catch(() => {});
  cluster?.destroy();
  if (folder) rmSync(folder, { recursive: true, force: true });
};
runMain(main, cleanup);
