import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, TEST_PG_SKIPPED, TEST_PG_URL } from './postgres.js';

/** A fresh, empty database of one kind, and how to throw it away. */
export interface TestDatabase {
  /** What GATEHOUSE_DATABASE would be: a file path or a postgres:// URL (through the pooler, if any). */
  location: string;
  /** The same PostgreSQL database without the pooler: what GATEHOUSE_MIGRATION_DATABASE would be. */
  direct?: string;
  dispose(): Promise<void>;
}

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  /** Why this kind cannot run here, or null. */
  skipped: string | null;
  fresh(): Promise<TestDatabase>;
}

export const SQLITE: StoreKind = {
  name: 'sqlite',
  skipped: null,
  async fresh() {
    const dir = await mkdtemp(join(tmpdir(), 'gatehouse-db-'));
    return { location: join(dir, 'gatehouse.db'), dispose: () => rm(dir, { recursive: true, force: true }) };
  },
};

/**
 * With GATEHOUSE_TEST_PGBOUNCER=1 (the stress-pgbouncer project), the service reaches its
 * database through the PgBouncer the global set-up started; creating the database stays direct.
 */
const THROUGH_PGBOUNCER = process.env.GATEHOUSE_TEST_PGBOUNCER === '1';
const PGBOUNCER_URL = process.env.GATEHOUSE_TEST_PGBOUNCER_URL;

/** What the service is given for a database made on the cluster: with the pooler, its URL through it. */
export function serviceUrl(direct: string): string {
  if (!THROUGH_PGBOUNCER) return direct;
  const url = new URL(PGBOUNCER_URL!);
  url.pathname = new URL(direct).pathname;
  return url.toString();
}

export const POSTGRES: StoreKind = {
  name: 'postgres',
  skipped: !TEST_PG_URL
    ? (TEST_PG_SKIPPED ?? 'no PostgreSQL cluster was started for this run')
    : THROUGH_PGBOUNCER && !PGBOUNCER_URL
      ? (process.env.GATEHOUSE_TEST_PGBOUNCER_SKIPPED ?? 'no PgBouncer was started for this run')
      : null,
  async fresh() {
    // The HTTP suites do not skip themselves: their harness says why it has no database.
    if (POSTGRES.skipped) throw new Error(`no PostgreSQL database for this test: ${POSTGRES.skipped}`);
    // Databases stay until the throwaway cluster is removed at the end of the run.
    const direct = await createDatabase(TEST_PG_URL!);
    return { location: serviceUrl(direct), direct, dispose: async () => {} };
  },
};

export const STORE_KINDS = [SQLITE, POSTGRES];

/** The kind the HTTP suites run on: GATEHOUSE_TEST_STORE=postgres switches them. */
export const HTTP_STORE: StoreKind = process.env.GATEHOUSE_TEST_STORE === 'postgres' ? POSTGRES : SQLITE;

/** A suite title that says loudly when, and why, the suite is skipped. */
export const titled = (kind: StoreKind, title: string = kind.name) => (kind.skipped ? `${title} — SKIPPED: ${kind.skipped}` : title);
