/**
 * The server answered with an error: `statusCode`, `type`, `message` and `code` come from its
 * body. Branch on `code` (stable, listed in the OpenAPI document), never on `message`. A request
 * that does not fit the schema (`invalid_request`) also names the field at fault in `field`, to
 * show the message by its input.
 *
 * @example
 * try {
 *   await gatehouse.instanceOrgInvites.post({ instanceId, orgId, invite: { email, role: 'view' } });
 * } catch (error) {
 *   if (error instanceof GatehouseError && error.code === 'already_invited') console.log('invited before');
 *   else throw error;
 * }
 */
export class GatehouseError extends Error {
  override name = 'GatehouseError';
  constructor(
    readonly statusCode: number,
    readonly type: string,
    message: string,
    /** The stable reason, e.g. `already_member`, `member_limit_reached`, `invite_link_invalid`. */
    readonly code: string,
    /** Seconds the server asked to wait (429, 503), when it said. */
    readonly retryAfter?: number,
    /** The request field the message is about (`role`, `allowedDomains[0]`, `perPage`), when the server named one. */
    readonly field?: string,
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
