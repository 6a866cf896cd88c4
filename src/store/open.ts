import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from '../domain/store.js';
import type { OpenOptions } from './open-options.js';
import { isPostgresUrl } from './database-url.js';

/** The store for `GATEHOUSE_DATABASE`: a postgres:// URL, or else a SQLite file path. */
export function openStore(database: string, options: OpenOptions = {}): Promise<Store> {
  return isPostgresUrl(database) ? openPostgresStore(database, options) : openSqliteStore(database, options);
}
