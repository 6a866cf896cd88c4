import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import { StartupError } from '../config.js';
import { KyselyStore, queryLogger } from './kysely-store.js';
import { migrateToLatest } from './migrations/index.js';
import { openDatabase, SQLite } from './sqlite-native.js';
import type { Database } from './schema.js';
import type { OpenOptions, Store } from './store.js';

const code = (e: unknown) => (e instanceof SQLite.SqliteError ? e.code : undefined);

/** Opens (creating if needed) the SQLite file at `path` in WAL mode, migrating it unless told not to. */
export async function openSqliteStore(path: string, options: OpenOptions = {}): Promise<Store> {
  let database: SQLite.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = openDatabase(path);
    // exec(), not pragma(): pragma() makes a throwaway statement (see sqlite-native.ts).
    database.exec('pragma journal_mode = WAL');
  } catch (error) {
    throw new StartupError(`Cannot open the SQLite database ${path}: ${(error as Error).message}`);
  }
  // Another process (the CLI next to a running server) may hold the write lock for a moment.
  database.exec('pragma busy_timeout = 5000; pragma foreign_keys = on; pragma synchronous = normal');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log: queryLogger(options) });
  if (options.migrate !== false) await migrateToLatest(db, 'sqlite');
  return new KyselyStore(db, {
    isUniqueViolation: (e) => code(e) === 'SQLITE_CONSTRAINT_UNIQUE' || code(e) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    isUnavailable: (e) => code(e) === 'SQLITE_BUSY' || code(e) === 'SQLITE_LOCKED',
    // Writers queue for the write lock (below) and never deadlock.
    isRetryable: () => false,
    // One connection, and Kysely runs one transaction on it at a time: already serialised.
    lock: async () => {},
    transaction: (db, fn) => db.transaction().execute(fn),
  });
}

