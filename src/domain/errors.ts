import { ERROR_CODES, type ErrorCode, type ErrorType } from '../contract/errors.js';

/** The one error type the domain throws; the HTTP layer maps its code's `type` to a status. */
export class AppError extends Error {
  readonly type: ErrorType;
  /** On an `invalid_request`: the request field at fault, for a form to show the message by it. */
  field?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Seconds after which trying again may succeed (a `Retry-After` header). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.type = ERROR_CODES[code].type;
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found`);
export const alreadyMember = (email: string) => new AppError('already_member', `${email} is already a member of this organization`);
export const invalid = (message: string, field?: string) => {
  const error = new AppError('invalid_request', message);
  if (field) error.field = field;
  return error;
};

/**
 * A link that cannot be used. Every kind answers alike; `unknown` (no such link, or the link
 * opened for another email) tells the rate limiter a guess from a used, revoked or lost link.
 */
export class UnusableLink extends AppError {
  constructor(readonly unknown: boolean) {
    super('invite_link_invalid', 'Invite was not found');
  }
}

/** Thrown by a store when a unique index refused a write; `constraint` names the rule. */
export class UniqueViolation extends Error {
  constructor(readonly constraint: string) {
    super(`unique constraint ${constraint} violated`);
    this.name = 'UniqueViolation';
  }
}
