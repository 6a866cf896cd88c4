/** Stable error types and the HTTP status each maps to: the one list the error mapper reads. */
export const ERROR_STATUS = {
  Validation: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  Gone: 410,
  PayloadTooLarge: 413,
  UnsupportedMediaType: 415,
  TooManyRequests: 429,
  ServerError: 500,
  ServiceUnavailable: 503,
} as const;

export type ErrorType = keyof typeof ERROR_STATUS;
