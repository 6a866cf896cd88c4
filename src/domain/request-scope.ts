import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What the store needs to know of the request it serves, carried beside the call chain rather
 * than through every domain signature:
 * - `deadline`: until when a call may wait for the database to come back (a failover);
 * - `journal`: the key under which each write transaction records its outcome, so that a
 *   transaction run again after a COMMIT whose outcome is unknown finds its own earlier write
 *   and answers as it did instead of applying twice;
 * - `replay`: whether earlier outcomes may exist (a retry, or a request repeated with its
 *   Idempotency-Key), so that transactions look them up first. A fresh request skips the look-up;
 * - `replicaOk`: whether a read may come from a standby (GATEHOUSE_READ_DATABASE).
 */
export interface RequestScope {
  /** Absent: each call waits for the store's own hold. */
  deadline?: number;
  /**
   * `repeats`: a later, separate attempt at the same work reads this journal too (a repeat of
   * an Idempotency-Key after a crash, the mail worker's next try at a "sent" mark). Otherwise
   * it serves only the store's own retries after a lost COMMIT, which a store without a hold
   * (SQLite) never makes: such a store does not write it.
   */
  journal?: { key: string; expiresAt: string; next: number; repeats: boolean };
  replay: boolean;
  /** Its reads may be served by a standby (a read of the API by a token that has not just written). */
  replicaOk?: boolean;
}

const scope = new AsyncLocalStorage<RequestScope>();

export const currentRequest = (): RequestScope | undefined => scope.getStore();

/** Runs `fn` as the request `request`. */
export const inRequest = <T>(request: RequestScope, fn: () => Promise<T>): Promise<T> => scope.run(request, fn);
