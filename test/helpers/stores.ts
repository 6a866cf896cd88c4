import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, TEST_PG_SKIPPED, TEST_PG_URL } from './postgres.js';

/** A fresh, empty database of one kind, and how to throw it away. */
export interface TestDatabase {
  /** What GATEHOUSE_DATABASE would be: a file path or a postgres:// URL. */
  location: string;
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

export const POSTGRES: StoreKind = {
  name: 'postgres',
  skipped: TEST_PG_URL ? null : (TEST_PG_SKIPPED ?? 'no PostgreSQL cluster was started for this run'),
  async fresh() {
    // Databases stay until the throwaway cluster is removed at the end of the run.
    return { location: await createDatabase(TEST_PG_URL!), dispose: async () => {} };
  },
};

export const STORE_KINDS = [SQLITE, POSTGRES];

/** The kind the HTTP suites run on: GATEHOUSE_TEST_STORE=postgres switches them. */
export const HTTP_STORE: StoreKind = process.env.GATEHOUSE_TEST_STORE === 'postgres' ? POSTGRES : SQLITE;

/** A suite title that says loudly when, and why, the suite is skipped. */
export const titled = (kind: StoreKind, title: string = kind.name) => (kind.skipped ? `${title} — SKIPPED: ${kind.skipped}` : title);
