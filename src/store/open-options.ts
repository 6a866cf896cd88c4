/** How a store is opened: the composition root's and the CLI's concern, so not part of the domain's port. */
export interface OpenOptions {
  /** Apply pending migrations while opening (the default). */
  migrate?: boolean;
  /** PostgreSQL connection pool size. */
  poolSize?: number;
  /** Told about errors of pooled connections (a database restart), which are otherwise harmless. */
  onIdleError?: (error: Error) => void;
  /** Told every statement run (for debugging and for tests that check query plans). */
  onQuery?: (sql: string, parameters: readonly unknown[]) => void;
}
