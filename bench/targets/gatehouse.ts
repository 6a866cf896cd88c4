import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findPostgresBin, startCluster, createDatabase, type Cluster } from '../../test/helpers/postgres.js';
import { ROOT, spawnServer } from '../lib/process.js';
import { seedGatehouse } from '../lib/seed.js';
import type { Target } from '../lib/types.js';
import { gatehouseRequests } from './requests.js';

/**
 * Gatehouse as it is deployed: `gatehouse serve` from dist/, one process, the mail worker on
 * (file transport). Rate limits are off and the log level is warn, as the peer runs without
 * either; the README gives the cost of the default info-level request log.
 */
function gatehouse(name: string, database: (dir: string) => Promise<string>, unavailable: () => Promise<string | null>): Target {
  return {
    name,
    unavailable,
    async start({ dir, seed }) {
      const url = await database(dir);
      const fixtures = await seedGatehouse(url, seed);
      const server = await spawnServer<{ url: string }>(process.execPath, [join(ROOT, 'bin/gatehouse.js'), 'serve', '--json'], {
        PORT: '0',
        HOST: '127.0.0.1',
        GATEHOUSE_DATABASE: url,
        GATEHOUSE_MAIL: `file:${join(dir, 'mail')}`,
        GATEHOUSE_RATE_LIMIT_ADDRESS: 'off',
        GATEHOUSE_RATE_LIMIT_EMAIL: 'off',
        GATEHOUSE_LOCKOUT: 'off',
        GATEHOUSE_RATE_LIMIT_TOKEN: 'off',
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
      });
      return { url: server.ready.url, pid: server.child.pid!, request: gatehouseRequests(fixtures), stop: server.stop };
    },
  };
}

const built = async () => (existsSync(join(ROOT, 'dist/src/cli/main.js')) ? null : 'dist/ is not built (npm run build)');

export const gatehouseSqlite = gatehouse('gatehouse-sqlite', async (dir) => join(dir, 'gatehouse.db'), built);

let cluster: Cluster | undefined;
export const gatehousePostgres = gatehouse(
  'gatehouse-postgres',
  async () => {
    cluster ??= await startCluster();
    return createDatabase(cluster.adminUrl, 'bench');
  },
  async () => (await built()) ?? (findPostgresBin() ? null : 'PostgreSQL binaries not found (Debian package "postgresql")'),
);

/** Stops the PostgreSQL cluster the Gatehouse-on-PostgreSQL target started, if any. */
export function stopPostgres(): void {
  cluster?.destroy();
  cluster = undefined;
}
