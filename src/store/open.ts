import { DEFAULT_HOLD_MS, openPostgresStore, openReadReplica } from './postgres.js';
import { ReplicaMonitor, routeReads } from './read-replica.js';
import { rideThrough } from './ride-through.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from '../domain/store.js';
import type { OpenOptions } from './open-options.js';
import { isPostgresUrl } from './database-url.js';

/** How stale a standby's reads may be when nothing else is said (GATEHOUSE_READ_MAX_LAG). */
export const DEFAULT_READ_MAX_LAG_MS = 5000;

/**
 * The store for `GATEHOUSE_DATABASE`: a postgres:// URL, or else a SQLite file path. On
 * PostgreSQL, calls ride through a failover (ride-through.ts), and with `readUrl` the API's
 * reads may be served by a standby (read-replica.ts).
 */
export async function openStore(database: string, options: OpenOptions = {}): Promise<Store> {
  if (!isPostgresUrl(database)) return openSqliteStore(database, options);
  const primary = await openPostgresStore(database, options);
  let store: Store = primary;
  if (options.readUrl) {
    const replica = openReadReplica(options.readUrl, options);
    const monitor = new ReplicaMonitor(primary, replica, options.readMaxLagMs ?? DEFAULT_READ_MAX_LAG_MS);
    monitor.start();
    store = routeReads(primary, replica, monitor);
  }
  return rideThrough(store, options.holdMs ?? DEFAULT_HOLD_MS);
}
