import { DEFAULT_MIGRATION_TABLE, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { KyselyStore, queryLogger, runTransaction } from './kysely-store.js';
import { migrateToLatest } from './migrations/index.js';
import type { Database } from './schema.js';
import { StartupError } from '../domain/startup-error.js';
import type { OpenOptions } from './open-options.js';
import { redactDatabaseUrl } from './database-url.js';

/**
 * SQLSTATE classes and socket errors that mean "the database is not there right now", and
 * 25006 (read-only transaction): the connection reached a server that is no longer the primary
 * (demoted in a failover, while the proxy in front still sent it there).
 */
const UNAVAILABLE_STATES = /^(08|53|57P0|25006$)/;
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

function isUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  // 08P01 (protocol violation) is in the connection class but is a statement the server
  // refuses (too many parameters, say): trying again cannot help.
  if (e.code === '08P01') return false;
  if (e.code && (UNAVAILABLE_STATES.test(e.code) || UNAVAILABLE_CODES.has(e.code))) return true;
  // pg reports a dropped socket and a pool wait timeout with messages only.
  // "not queryable": a client ended under a transaction (dropWhenReadOnly).
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable/i.test(e.message ?? '');
}

/**
 * A connection that answered 25006 is to a standby: the pool must not hand it out again, but
 * Kysely releases connections without saying why. Ending the client makes the pool drop it
 * when it comes back (pg-pool removes clients that are ending), and the retry connects anew,
 * through the proxy, to the new primary.
 */
function dropWhenReadOnly(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (result instanceof Promise) {
      result.catch((error: { code?: string }) => {
        if (error?.code === '25006') client.end().catch(() => {});
      });
    }
    return result;
  };
}

export const DEFAULT_HOLD_MS = 15_000;

/** deadlock_detected and serialization_failure: the transaction lost to another one and may be run again. */
const RETRYABLE_STATES = new Set(['40P01', '40001']);


/** A pool on `url` that survives its server going away (see dropWhenReadOnly and the handlers). */
function connectTo(url: string, options: OpenOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // A try waits at most this long for a connection; the hold retries on a fresh one.
    connectionTimeoutMillis: 5000,
    // A peer that vanished (a killed node, a cut network) is noticed instead of waited for.
    keepAlive: true,
  });
  // A connection the database drops (a restart) must not crash the process: the pool reports
  // idle ones here, and a checked-out client emits on itself, where the query also fails and
  // answers 503. Either way the pool replaces the connection on the next checkout.
  pool.on('error', (error) => options.onIdleError?.(error));
  pool.on('connect', (client) => {
    client.on('error', (error) => options.onIdleError?.(error));
    dropWhenReadOnly(client);
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log: queryLogger(options) });
}

function storeOn(db: Kysely<Database>, options: OpenOptions): KyselyStore {
  return new KyselyStore(db, {
    isUniqueViolation: (e) => (e as { code?: string })?.code === '23505',
    isUnavailable,
    isRetryable: (e) => RETRYABLE_STATES.has((e as { code?: string } | null)?.code ?? ''),
    lock: async (tx, key) => {
      if (key === 'setup') await sql`select pg_advisory_xact_lock(hashtext('gatehouse.setup'))`.execute(tx);
      // The two-key form is a key space apart from the one-key form above, and the first key
      // keeps it apart from other users of advisory locks. Two emails with one hash merely
      // wait for each other.
      else if ('email' in key) await sql`select pg_advisory_xact_lock(hashtext('gatehouse.email'), hashtext(${key.email}))`.execute(tx);
      else await tx.selectFrom('orgs').select('id').where('id', '=', key.org).forUpdate().execute();
    },
    skipLocked: (qb) => qb.forUpdate().skipLocked() as typeof qb,
    transaction: (db, fn) => runTransaction(db, sql`begin`, fn),
    holdMs: options.holdMs ?? DEFAULT_HOLD_MS,
    walPosition: async (db) => {
      const { rows } = await sql<{ lsn: string }>`select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_lsn() end)::text as lsn`.execute(db);
      // An LSN is two hex halves of a 64-bit position: "16/B374D848".
      const [high, low] = rows[0].lsn.split('/');
      return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
    },
  });
}

/**
 * A store on a standby, for reads only (read-replica.ts routes to it). Nothing is checked at
 * start: a standby that is away must not keep the service from starting on its primary.
 */
export function openReadReplica(url: string, options: OpenOptions = {}): KyselyStore {
  return storeOn(connectTo(url, options), options);
}

/**
 * Opens a pool on the PostgreSQL database at `url`, migrating it unless told not to. With
 * `create` false or migrations off, the database must be reachable and have Gatehouse's
 * tables: an empty one is a StartupError that says to run migrate.
 */
export async function openPostgresStore(url: string, options: OpenOptions = {}): Promise<KyselyStore> {
  const db = connectTo(url, options);
  const mustExist = options.create === false || options.migrate === false;
  // Behind a transaction pooler, migrations take a direct connection of their own.
  const admin = options.migrationUrl
    ? new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: options.migrationUrl, max: 1, connectionTimeoutMillis: 5000 }) }) })
    : db;
  let migrated: boolean;
  try {
    // to_regclass follows the search_path, where the migrations put their table.
    const found = await sql<{ found: string | null }>`select to_regclass(${DEFAULT_MIGRATION_TABLE})::text as found`.execute(admin);
    migrated = found.rows[0]?.found != null;
    if (options.migrate !== false && (migrated || !mustExist)) await migrateToLatest(admin, 'postgres');
  } catch (error) {
    await db.destroy();
    throw new StartupError(`Cannot use the PostgreSQL database ${redactDatabaseUrl(options.migrationUrl ?? url)}: ${(error as Error).message}`);
  } finally {
    if (admin !== db) await admin.destroy();
  }
  if (mustExist && !migrated) {
    await db.destroy();
    throw new StartupError(`the PostgreSQL database ${redactDatabaseUrl(url)} (GATEHOUSE_DATABASE) has no Gatehouse tables; run gatehouse migrate to create them`);
  }
  return storeOn(db, options);
}
