import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CompiledQuery, DEFAULT_MIGRATION_TABLE, Kysely, type RawBuilder, SqliteDialect, sql } from 'kysely';
import { KyselyStore, queryLogger, type Reader, runTransaction } from './kysely-store.js';
import { migrateToLatest } from './migrations/index.js';
import { openDatabase, SQLite } from './sqlite-native.js';
import type { Database } from './schema.js';
import { StartupError } from '../domain/startup-error.js';
import type { Store } from '../domain/store.js';
import type { OpenOptions } from './open-options.js';

const code = (e: unknown) => (e instanceof SQLite.SqliteError ? e.code : undefined);

/**
 * Opens the SQLite file at `path` in WAL mode, migrating it unless told not to. It creates the
 * file (and its folder: the configuration refuses a missing one but the default's ./data)
 * unless `create` is false or migrations are off; then a missing file, or one without
 * Gatehouse's tables, is a StartupError that says what to run, and the file is left untouched.
 */
export async function openSqliteStore(path: string, options: OpenOptions = {}): Promise<Store> {
  const mustExist = options.create === false || options.migrate === false;
  const file = path !== ':memory:';
  if (mustExist && file && !existsSync(path)) throw new StartupError(`no database at ${path} (GATEHOUSE_DATABASE); run gatehouse serve or gatehouse migrate to create it`);
  let database: SQLite.Database;
  let empty = false;
  try {
    if (!mustExist && file) mkdirSync(dirname(path), { recursive: true });
    // fileMustExist: a file deleted since the check above is not made again.
    database = openDatabase(path, { fileMustExist: mustExist && file });
    // Checked before WAL mode is set, which would write to the file and add its -wal and -shm files.
    empty = mustExist && !database.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(DEFAULT_MIGRATION_TABLE);
    // exec(), not pragma(): pragma() makes a throwaway statement (see sqlite-native.ts).
    if (!empty) database.exec('pragma journal_mode = WAL');
  } catch (error) {
    throw new StartupError(`Cannot open the SQLite database ${path}: ${(error as Error).message}`);
  }
  if (empty) {
    database.close();
    throw new StartupError(`${path} (GATEHOUSE_DATABASE) has no Gatehouse tables; run gatehouse migrate to create them`);
  }
  // Another process (the CLI next to a running server) may hold the write lock for a moment.
  database.exec('pragma busy_timeout = 5000; pragma foreign_keys = on; pragma synchronous = normal');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log: queryLogger(options) });
  if (options.migrate !== false) await migrateToLatest(db, 'sqlite');
  return new KyselyStore(db, {
    reader: file ? openReader(path, options) : undefined,
    isUniqueViolation: (e) => code(e) === 'SQLITE_CONSTRAINT_UNIQUE' || code(e) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
    // Extended codes too (SQLITE_BUSY_SNAPSHOT, _RECOVERY, …): each is a wait that ran out.
    isUnavailable: (e) => code(e)?.startsWith('SQLITE_BUSY') === true || code(e) === 'SQLITE_LOCKED',
    // Writers queue for the write lock (immediateTransaction) and never deadlock.
    isRetryable: () => false,
    // One connection, and Kysely runs one transaction on it at a time: already serialised.
    lock: async () => {},
    // One writer at a time: no claim's rows are ever locked by another.
    skipLocked: (qb) => qb,
    transaction: immediateTransaction,
    // A file has no failover: a busy database has already waited busy_timeout.
    holdMs: 0,
    emailTrigrams: emailTrigrams(),
  });
}

/**
 * The store's Reader: the same file, read-only (a write through it is an error, never a write
 * outside the write transactions). Opened once the tables are made. `:memory:` has none: a
 * second connection to it is another, empty database.
 */
function openReader(path: string, { onQuery }: OpenOptions): Reader {
  const reader = openDatabase(path, { readonly: true, fileMustExist: true });
  // A reader waits only while SQLite recovers the WAL after a crash or resets it.
  reader.exec('pragma busy_timeout = 5000');
  return {
    all<R>(query: CompiledQuery<R>) {
      onQuery?.(query.sql, query.parameters);
      return reader.prepare(query.sql).all(query.parameters as unknown[]) as R[];
    },
    close: () => reader.close(),
  };
}

/**
 * A write transaction that takes the write lock when it begins (BEGIN IMMEDIATE), waiting up
 * to busy_timeout while another process (the CLI) holds it. Kysely's plain BEGIN is deferred:
 * the transaction first reads, and its first write then asks for the lock while holding a read
 * snapshot. When another connection holds the lock (or has written since), SQLite answers
 * SQLITE_BUSY at once without calling the busy handler: no wait could make that snapshot
 * current again. Measured: a 503 after 4 ms while the CLI held the lock. Every
 * transaction of the store writes, so every one begins immediate.
 */
const immediateTransaction = <T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>) => runTransaction(db, sql`begin immediate`, fn);

/**
 * The trigram index is read when at most this many invites hold a glob's runs, and the org has
 * CANDIDATE_SHARE times as many pending invites. Measured per invite: 3 µs through the index
 * (the row by rowid, the LIKE, the sort; the page and the count each), against about 0.1 µs
 * for an entry of the org's own index. So `*@example.com` in an org of 1,000 reads the org
 * (1.3 ms, against 4.4 ms through the index), and `*999*` in an org of 100,000 the index.
 */
const TRIGRAM_CANDIDATES = 2000;
const CANDIDATE_SHARE = 20;
/**
 * What the probes found is kept for a minute per org and glob, as a planner keeps statistics:
 * a console pages and refreshes with the same filter, and each page of `*@example.com` paid
 * the probes again (they halved that list's rate in the bench). A finding a minute old may
 * choose the slower path, never other rows.
 */
const PROBE_TTL_MS = 60_000;
const PROBES_KEPT = 500;

/** The trigram index of invite emails (migration 013) as DialectHooks.emailTrigrams, one per store. */
function emailTrigrams(): (db: Kysely<Database>, orgId: string, runs: string[]) => Promise<RawBuilder<unknown> | null> {
  const probes = new Map<string, { selective: boolean; until: number }>();
  // Both probes are bounded: TRIGRAM_CANDIDATES entries of the index, CANDIDATE_SHARE times what it found of the org's.
  const probe = async (db: Kysely<Database>, orgId: string, match: string) => {
    const candidates = await sql<{ n: number }>`select count(*) as n from (select rowid from invites_email_trigrams where invites_email_trigrams match ${match} limit ${TRIGRAM_CANDIDATES + 1})`.execute(db);
    const n = candidates.rows[0].n;
    if (n > TRIGRAM_CANDIDATES) return false;
    const enough = n * CANDIDATE_SHARE + 1;
    const org = await sql<{ n: number }>`select count(*) as n from (select 1 from invites where org_id = ${orgId} and status = 'pending' limit ${enough})`.execute(db);
    return org.rows[0].n >= enough;
  };
  const selective = async (db: Kysely<Database>, orgId: string, match: string) => {
    const key = `${orgId}\n${match}`;
    const now = Date.now();
    const kept = probes.get(key);
    if (kept && kept.until > now) return kept.selective;
    const found = await probe(db, orgId, match);
    probes.delete(key);
    // The map keeps insertion order: the first key is the oldest finding.
    if (probes.size >= PROBES_KEPT) probes.delete(probes.keys().next().value!);
    probes.set(key, { selective: found, until: now + PROBE_TTL_MS });
    return found;
  };
  return async (db, orgId, runs) => {
    // Each run a phrase: with the trigram tokenizer, a phrase matches wherever it is a substring.
    const match = runs.map((run) => `"${run.replaceAll('"', '""')}"`).join(' AND ');
    if (!(await selective(db, orgId, match))) return null;
    return sql`(select rowid as candidate from invites_email_trigrams where invites_email_trigrams match ${match})`;
  };
}
