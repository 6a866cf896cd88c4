import { currentRequest } from '../domain/request-scope.js';
import type { Store } from '../domain/store.js';
import type { KyselyStore } from './kysely-store.js';

/** How often the standby is compared with its primary. */
const CHECK_MS = 1000;
/** A standby that does not say how far it is within this long is taken for away. */
const CHECK_TIMEOUT_MS = 1000;

/**
 * How stale the standby may be, known rather than guessed: every second the primary's WAL
 * position is noted with the time, and the standby is asked how far it has replayed. Once it
 * has replayed the position the primary had at time t, it holds every commit made before t, so
 * a read from it now is at most `now - t` behind. It serves reads while that is within the
 * bound; when it falls behind, or does not answer, reads go to the primary.
 */
export class ReplicaMonitor {
  private samples: { at: number; lsn: bigint }[] = [];
  private freshAsOf = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly primary: KyselyStore,
    private readonly replica: KyselyStore,
    private readonly maxLagMs: number,
  ) {}

  start(): void {
    const tick = () => {
      this.check().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, CHECK_MS).unref();
      });
    };
    this.timer = setTimeout(tick, 0).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Whether a read from the standby now is within the bound. */
  usable(): boolean {
    return Date.now() - this.freshAsOf <= this.maxLagMs;
  }

  /** A read from the standby failed: the primary serves until the next check finds it well. */
  down(): void {
    this.freshAsOf = Number.NEGATIVE_INFINITY;
  }

  async check(): Promise<void> {
    const at = Date.now();
    try {
      this.samples.push({ at, lsn: await this.primary.walPosition() });
    } catch {
      // The primary is away: nothing new to compare with; older samples still hold.
    }
    this.samples = this.samples.filter((s) => s.at >= at - 2 * this.maxLagMs - CHECK_MS);
    let timer: NodeJS.Timeout | undefined;
    try {
      const replayed = await Promise.race([
        this.replica.walPosition(),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the standby did not answer')), CHECK_TIMEOUT_MS))),
      ]);
      const newest = this.samples.filter((s) => s.lsn <= replayed).at(-1);
      if (newest) this.freshAsOf = Math.max(this.freshAsOf, newest.at);
    } catch {
      this.down();
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The store's reads: lone look-ups and lists. Token look-ups stay on the primary: a revoked token must stop at once. */
const READ = /^(get|list|count|latest)/;
const PRIMARY_ONLY = new Set<PropertyKey>(['getToken', 'getTokenByHash']);

/**
 * The primary's store, with the reads of requests that may use a standby (`replicaOk`, set by
 * the HTTP layer) served by `replica` while the monitor says it is fresh enough. A read that
 * fails there is read again from the primary. Writes and transactions never leave the primary.
 */
export function routeReads(primary: KyselyStore, replica: KyselyStore, monitor: ReplicaMonitor): Store {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(primary, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (typeof value !== 'function') return value;
      let wrapper = wrapped.get(name);
      if (!wrapper) {
        if (name === 'close') {
          wrapper = async () => {
            monitor.stop();
            await Promise.all([primary.close(), replica.close()]);
          };
        } else if (typeof name === 'string' && READ.test(name) && !PRIMARY_ONLY.has(name)) {
          wrapper = async (...args: unknown[]) => {
            if (currentRequest()?.replicaOk && monitor.usable()) {
              try {
                return await (Reflect.get(replica, name) as (...a: unknown[]) => Promise<unknown>).apply(replica, args);
              } catch {
                monitor.down();
              }
            }
            return value.apply(target, args);
          };
        } else wrapper = value.bind(target);
        wrapped.set(name, wrapper);
      }
      return wrapper;
    },
  });
}
