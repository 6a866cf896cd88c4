/** Stable error types and the HTTP status each maps to (upstream's `type` field). */
export const ERROR_STATUS = {
  Validation: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Conflict: 409,
  Gone: 410,
  PayloadTooLarge: 413,
  UriTooLong: 414,
  UnsupportedMediaType: 415,
  UnprocessableEntity: 422,
  TooManyRequests: 429,
  HeadersTooLarge: 431,
  ServerError: 500,
  ServiceUnavailable: 503,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;

/**
 * Every error body is `{ type, message, code }`, and `field` when the request did not fit the
 * schema or a field's value was refused (`invalid_request`): the field at fault, for a page to show the message by it. `code` is the stable, machine-readable reason
 * that clients, the CLI and the console branch on (messages are for people and may change);
 * each code belongs to one type, and so to one status. Public link answers use one code for
 * every kind of unusable link (unknown, used, revoked, another email) so that they cannot be
 * told apart. This is the one list: the error mapper, the OpenAPI document and the client
 * read it.
 */
export const ERROR_CODES = {
  invalid_request: { type: 'Validation', description: 'The request does not follow the schema, or a value is not allowed.' },
  already_invited: { type: 'Validation', description: 'The email already has a pending invite to the organization.' },
  already_member: { type: 'Validation', description: 'The person is already a member of the organization.' },
  member_limit_reached: { type: 'Validation', description: 'Members plus pending invites would exceed the organization’s member limit.' },
  webhook_url_refused: { type: 'Validation', description: 'The webhook URL is not one Gatehouse may call: not http(s), or a private, loopback or metadata address.' },
  join_domain_not_allowed: { type: 'Validation', description: 'The email’s domain is not one the join link allows.' },
  idempotency_key_in_flight: { type: 'Conflict', description: 'A request with this Idempotency-Key is still being answered; repeat it once that one has its answer.' },
  idempotency_answer_not_kept: { type: 'Conflict', description: 'This Idempotency-Key made a new API token already; its secret is shown once and not kept: revoke that token if the secret was lost, and create another.' },
  idempotency_key_reused: { type: 'UnprocessableEntity', description: 'This Idempotency-Key was used for another request (another method, path or body); use a new key for a new request.' },
  mail_not_retryable: { type: 'Conflict', description: 'The mail cannot be sent again: it was delivered already, or its invite is no longer live.' },
  bad_request: { type: 'Validation', description: 'The HTTP request itself is malformed.' },
  unauthorized: { type: 'Unauthorized', description: 'No bearer token, or one that is unknown, revoked or expired.' },
  forbidden: { type: 'Forbidden', description: 'The token may not perform this action here.' },
  scope_escalation: { type: 'Forbidden', description: 'A token may only create or revoke tokens that can do no more than it can itself, and live no longer.' },
  not_found: { type: 'NotFound', description: 'No such resource (or route) for this token.' },
  invite_link_invalid: { type: 'NotFound', description: 'The invitation link cannot be used: unknown, already used, revoked, or for another email.' },
  invite_link_expired: { type: 'Gone', description: 'The invitation link has expired.' },
  join_link_invalid: { type: 'NotFound', description: 'The join link cannot be used: unknown, disabled, rotated or deleted.' },
  join_link_used_up: { type: 'NotFound', description: 'The join link has been used as many times as it allows.' },
  join_link_expired: { type: 'Gone', description: 'The join link has expired.' },
  events_pruned: { type: 'Gone', description: 'Events after the feed cursor are past their retention and were deleted: read the feed from its start.' },
  method_not_allowed: { type: 'MethodNotAllowed', description: 'The path exists but not with this method (see the Allow header).' },
  payload_too_large: { type: 'PayloadTooLarge', description: 'The body is larger than the service accepts.' },
  uri_too_long: { type: 'UriTooLong', description: 'A path segment is longer than the service accepts.' },
  unsupported_media_type: { type: 'UnsupportedMediaType', description: 'Bodies must be application/json.' },
  rate_limited: { type: 'TooManyRequests', description: 'Too many requests; try again after Retry-After seconds.' },
  headers_too_large: { type: 'HeadersTooLarge', description: 'The request headers are larger than the service accepts.' },
  server_error: { type: 'ServerError', description: 'An unexpected failure; nothing was changed by it.' },
  service_unavailable: { type: 'ServiceUnavailable', description: 'The database cannot be reached right now; try again after Retry-After seconds.' },
} as const satisfies Record<string, { type: ErrorType; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The code used for an answer of `type` when nothing more precise applies. */
export const DEFAULT_CODE: Record<ErrorType, ErrorCode> = {
  Validation: 'invalid_request',
  Unauthorized: 'unauthorized',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  MethodNotAllowed: 'method_not_allowed',
  Conflict: 'mail_not_retryable',
  Gone: 'invite_link_expired',
  PayloadTooLarge: 'payload_too_large',
  UriTooLong: 'uri_too_long',
  UnsupportedMediaType: 'unsupported_media_type',
  UnprocessableEntity: 'idempotency_key_reused',
  TooManyRequests: 'rate_limited',
  HeadersTooLarge: 'headers_too_large',
  ServerError: 'server_error',
  ServiceUnavailable: 'service_unavailable',
};

/** The body of an error answer; `field` names the request field a validation error is about. */
export const errorBody = (code: ErrorCode, message: string, field?: string) => ({
  type: ERROR_CODES[code].type,
  message,
  code,
  ...(field === undefined ? {} : { field }),
});
