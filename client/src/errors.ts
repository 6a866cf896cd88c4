/** The server answered with an error: `statusCode`, `type` and `message` come from its body. */
export class GatehouseError extends Error {
  override name = 'GatehouseError';
  constructor(
    readonly statusCode: number,
    readonly type: string,
    message: string,
    /** Seconds the server asked to wait (429, 503), when it said. */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** No answer: the network failed, the call timed out (`timedOut`) or was aborted (`aborted`). */
export class GatehouseNetworkError extends Error {
  override name = 'GatehouseNetworkError';
  constructor(
    message: string,
    readonly timedOut: boolean,
    readonly aborted: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
