/** How a store is opened: the composition root's and the CLI's concern, so not part of the domain's port. */
export interface OpenOptions {
  /** Apply pending migrations while opening (the default). Without, the database must have Gatehouse's tables. */
  migrate?: boolean;
  /**
   * Make the database when there is none: the SQLite file, and Gatehouse's tables in an empty
   * database (the default, for serve and migrate). The CLI's other commands pass false: a typo
   * in GATEHOUSE_DATABASE must not quietly become a new, empty database beside the real one.
   */
  create?: boolean;
  /**
   * PostgreSQL: how long a call waits, retrying on fresh connections, for a database that went
   * away (a failover) before its error stands (GATEHOUSE_DATABASE_HOLD). Default 15 s.
   */
  holdMs?: number;
  /** PostgreSQL: a direct URL to migrate through when the main one goes through a transaction pooler. */
  migrationUrl?: string;
  /** PostgreSQL: a standby that serves reads of requests that allow it (GATEHOUSE_READ_DATABASE). */
  readUrl?: string;
  /** How stale the standby's reads may be, in ms (GATEHOUSE_READ_MAX_LAG). */
  readMaxLagMs?: number;
  /** PostgreSQL connection pool size. */
  poolSize?: number;
  /** Told about errors of pooled connections (a database restart), which are otherwise harmless. */
  onIdleError?: (error: Error) => void;
  /** Told every statement run (for debugging and for tests that check query plans). */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
}
