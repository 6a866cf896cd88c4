import { currentRequest } from '../domain/request-scope.js';
import type { Store } from '../domain/store.js';

/**
 * Until when a call may wait for the database to come back: the request's deadline when it
 * serves one (so that a request's calls share one hold), else `holdMs` from now.
 */
export const holdDeadline = (holdMs: number): number => (holdMs <= 0 ? 0 : (currentRequest()?.deadline ?? Date.now() + holdMs));

/**
 * Waits before try `attempt + 1` (100 ms, doubling to 1 s: a failover takes seconds, and new
 * connections should find the new primary soon after it is promoted); false when the
 * deadline leaves no time for another try.
 */
export async function pauseBeforeRetry(attempt: number, deadline: number): Promise<boolean> {
  const left = deadline - Date.now();
  if (left <= 0) return false;
  await new Promise((r) => setTimeout(r, Math.min(left, 100 * 2 ** Math.min(attempt - 1, 3.33))));
  return true;
}

/** Not retried by the wrapper: transactions retry themselves (they must keep their journal key). */
const OWN_RULES = new Set<PropertyKey>(['transaction', 'close', 'isUnavailable', 'lock']);

/**
 * The store with every lone call (outside a transaction) run again on a fresh connection while
 * the database is unavailable, until the hold runs out; then the last error stands (a 503).
 * Lone writes are safe to repeat: each is a conditional update, an upsert or a counter whose
 * second hit only counts a request twice; writes that must apply once run in transactions,
 * which journal their outcome (KyselyStore.transaction).
 */
export function rideThrough<S extends Store>(store: S, holdMs: number): S {
  if (holdMs <= 0) return store;
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(store, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      let wrapper = wrapped.get(name);
      if (!wrapper) {
        wrapper = OWN_RULES.has(name) ? value.bind(target) : async (...args: unknown[]) => {
          const deadline = holdDeadline(holdMs);
          for (let attempt = 1; ; attempt++) {
            try {
              return await value.apply(target, args);
            } catch (error) {
              if (!target.isUnavailable(error) || !(await pauseBeforeRetry(attempt, deadline))) throw error;
            }
          }
        };
        wrapped.set(name, wrapper);
      }
      return wrapper;
    },
  });
}
