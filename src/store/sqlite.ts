import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import type { Store } from './store.js';

/** Opens (creating if needed) the SQLite file at `path` in WAL mode and migrates it. */
export async function openSqliteStore(path: string, options: { migrate?: boolean } = {}): Promise<Store> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const database = new SQLite(path);
  database.pragma('journal_mode = WAL');
  // Another process (the CLI next to a running server) may hold the write lock for a moment.
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  if (options.migrate !== false) await migrateToLatest(db);
  return new KyselyStore(db, {
    isUniqueViolation: (e) =>
      e instanceof SQLite.SqliteError && (e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
    binaryTextOrder: true,
  });
}
