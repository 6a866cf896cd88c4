import type { ErrorType } from '../contract/errors.js';

/** The one error type the domain throws; the HTTP layer maps `type` to a status. */
export class AppError extends Error {
  constructor(
    readonly type: ErrorType,
    message: string,
    /** Seconds after which trying again may succeed (a `Retry-After` header). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NotFound', `${what} was not found`);
export const invalid = (message: string) => new AppError('Validation', message);

/** Thrown by a store when a unique index refused a write; `constraint` names the rule. */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`unique constraint ${constraint} violated`);
    this.name = 'UniqueViolation';
  }
}
