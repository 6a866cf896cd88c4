import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { findPostgresBin, startCluster, createDatabase, type Cluster } from '../../test/helpers/postgres.js';
import { ROOT, spawnServer } from '../lib/process.js';
import { seedGatehouse, type Fixtures } from '../lib/seed.js';
import type { RunningTarget, Seed, Target } from '../lib/types.js';
import { gatehouseRequests } from './requests.js';

export interface GatehouseOptions {
  /** The checkout whose build (bin/gatehouse.js, dist/) is started; this one by default. */
  root?: string;
  /** Environment added to (or replacing) the defaults below, e.g. `GATEHOUSE_RATE_LIMIT_ADDRESS`. */
  env?: Record<string, string>;
  /** Suffix of the target's name, e.g. `before` gives `gatehouse-sqlite-before`. */
  label?: string;
  /**
   * Runs after the seed and before the server starts, on the same database (a SQLite path or a
   * PostgreSQL URL): the webhook bench writes its backlog of deliveries here.
   */
  prepare?: (database: string, fixtures: Fixtures) => Promise<void>;
  /** Node options before the script, e.g. `--cpu-prof` (which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
}

/** A running Gatehouse, with what its seed made (the instance, the token, the orgs). */
export interface RunningGatehouse extends RunningTarget {
  fixtures: Fixtures;
  /** Its database: a SQLite path or a PostgreSQL URL. */
  database: string;
  /** Where its mail goes: one `.eml` file per message sent. */
  mailDir: string;
  /** Why the server is no longer running (its exit and the end of its stderr), or null while it runs. */
  exited(): string | null;
}

export interface GatehouseTarget extends Target {
  start(options: { dir: string; seed: Seed }): Promise<RunningGatehouse>;
}

/**
 * Gatehouse as it is deployed: `gatehouse serve` from dist/, one process, the mail worker on
 * (file transport). Rate limits are off and the log level is warn, as the peer runs without
 * either; the README gives the cost of the default info-level request log. `options` let the
 * flood bench start another build and turn a limit on.
 */
function gatehouse(name: string, database: (dir: string) => Promise<string>, unavailable: () => Promise<string | null>, options: GatehouseOptions = {}): GatehouseTarget {
  const root = options.root ?? ROOT;
  return {
    name: options.label ? `${name}-${options.label}` : name,
    unavailable: async () => (existsSync(join(root, 'dist/src/cli/main.js')) ? unavailable() : `${join(root, 'dist')} is not built (npm run build)`),
    async start({ dir, seed }) {
      const url = await database(dir);
      // Seeded by the build's own code: another checkout's migrations may differ from this one's.
      const seedWith: typeof seedGatehouse = options.root ? (await import(pathToFileURL(join(root, 'bench/lib/seed.ts')).href)).seedGatehouse : seedGatehouse;
      const fixtures = await seedWith(url, seed);
      if (url.startsWith('postgres')) await vacuumAnalyze(url);
      await options.prepare?.(url, fixtures);
      const mailDir = join(dir, 'mail');
      const server = await spawnServer<{ url: string }>(process.execPath, [...(options.nodeArgs ?? []), join(root, 'bin/gatehouse.js'), 'serve', '--json'], {
        PORT: '0',
        HOST: '127.0.0.1',
        GATEHOUSE_DATABASE: url,
        GATEHOUSE_MAIL: `file:${mailDir}`,
        GATEHOUSE_RATE_LIMIT_ADDRESS: 'off',
        GATEHOUSE_RATE_LIMIT_EMAIL: 'off',
        GATEHOUSE_LOCKOUT: 'off',
        GATEHOUSE_RATE_LIMIT_TOKEN: 'off',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        ...options.env,
      });
      const exited = () => {
        const { exitCode, signalCode } = server.child;
        return exitCode === null && signalCode === null ? null : `exited with ${exitCode ?? signalCode}: ${server.stderr().slice(-2000)}`;
      };
      return { url: server.ready.url, pid: server.child.pid!, request: gatehouseRequests(fixtures), stop: server.stop, fixtures, database: url, mailDir, exited };
    },
  };
}

/**
 * The seed writes its rows faster than autovacuum's naptime (a minute): the planner's
 * statistics are made as autovacuum would make them in a deployment that has run a while.
 */
async function vacuumAnalyze(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('vacuum analyze');
  } finally {
    await client.end();
  }
}

const sqliteFile = async (dir: string) => join(dir, 'gatehouse.db');
const always = async () => null;

let cluster: Cluster | undefined;
const postgresDatabase = async () => {
  cluster ??= await startCluster();
  return createDatabase(cluster.adminUrl, 'bench');
};
const postgresInstalled = async () => (findPostgresBin() ? null : 'PostgreSQL binaries not found (Debian package "postgresql")');

/** Gatehouse on a SQLite file; with `options`, another build or environment. */
export const gatehouseSqliteWith = (options: GatehouseOptions = {}) => gatehouse('gatehouse-sqlite', sqliteFile, always, options);
/** Gatehouse on a database of the one throwaway PostgreSQL cluster; with `options`, another build or environment. */
export const gatehousePostgresWith = (options: GatehouseOptions = {}) => gatehouse('gatehouse-postgres', postgresDatabase, postgresInstalled, options);

export const gatehouseSqlite = gatehouseSqliteWith();
export const gatehousePostgres = gatehousePostgresWith();

/** Stops the PostgreSQL cluster the Gatehouse-on-PostgreSQL targets started, if any. */
export function stopPostgres(): void {
  cluster?.destroy();
  cluster = undefined;
}
