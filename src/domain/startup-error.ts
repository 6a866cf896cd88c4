/**
 * Start-up failed for a reason the operator can fix (say, a wrong database password). Stores
 * throw it while opening and the CLI reports it without a stack; it lives in the domain, beside
 * UniqueViolation, because that is the one layer every adapter and the CLI may import.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
