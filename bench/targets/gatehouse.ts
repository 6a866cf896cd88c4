import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findPostgresBin, startCluster, createDatabase, type Cluster } from '../../test/helpers/postgres.js';
import { ROOT, spawnServer } from '../lib/process.js';
import { seedGatehouse } from '../lib/seed.js';
import type { Target } from '../lib/types.js';
import { gatehouseRequests } from './requests.js';

export interface GatehouseOptions {
  /** The checkout whose build (bin/gatehouse.js, dist/) is started; this one by default. */
  root?: string;
  /** Environment added to (or replacing) the defaults below, e.g. `GATEHOUSE_RATE_LIMIT_ADDRESS`. */
  env?: Record<string, string>;
  /** Suffix of the target's name, e.g. `before` gives `gatehouse-sqlite-before`. */
  label?: string;
}

/**
 * Gatehouse as it is deployed: `gatehouse serve` from dist/, one process, the mail worker on
 * (file transport). Rate limits are off and the log level is warn, as the peer runs without
 * either; the README gives the cost of the default info-level request log. `options` let the
 * flood bench start another build and turn a limit on.
 */
function gatehouse(name: string, database: (dir: string) => Promise<string>, unavailable: () => Promise<string | null>, options: GatehouseOptions = {}): Target {
  const root = options.root ?? ROOT;
  return {
    name: options.label ? `${name}-${options.label}` : name,
    unavailable: async () => (existsSync(join(root, 'dist/src/cli/main.js')) ? unavailable() : `${join(root, 'dist')} is not built (npm run build)`),
    async start({ dir, seed }) {
      const url = await database(dir);
      const fixtures = await seedGatehouse(url, seed);
      const server = await spawnServer<{ url: string }>(process.execPath, [join(root, 'bin/gatehouse.js'), 'serve', '--json'], {
        PORT: '0',
        HOST: '127.0.0.1',
        GATEHOUSE_DATABASE: url,
        GATEHOUSE_MAIL: `file:${join(dir, 'mail')}`,
        GATEHOUSE_RATE_LIMIT_ADDRESS: 'off',
        GATEHOUSE_RATE_LIMIT_EMAIL: 'off',
        GATEHOUSE_LOCKOUT: 'off',
        GATEHOUSE_RATE_LIMIT_TOKEN: 'off',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        ...options.env,
      });
      return { url: server.ready.url, pid: server.child.pid!, request: gatehouseRequests(fixtures), stop: server.stop };
    },
  };
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
