import { DEFAULT_HOLD_MS, openPostgresStore } from './postgres.js';
import { rideThrough } from './ride-through.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from '../domain/store.js';
import type { OpenOptions } from './open-options.js';
import { isPostgresUrl } from './database-url.js';

/** The store for `GATEHOUSE_DATABASE`: a postgres:// URL, or else a SQLite file path. */
export async function openStore(database: string, options: OpenOptions = {}): Promise<Store> {
  if (!isPostgresUrl(database)) return openSqliteStore(database, options);
  return rideThrough(await openPostgresStore(database, options), options.holdMs ?? DEFAULT_HOLD_MS);
}
