import { canonicalEmail } from '../contract/canonical.js';
import { AppError } from './errors.js';
import { hashSecret } from './secrets.js';
import type { Store } from './store.js';

/** At most `max` events per fixed window of `windowMs`. */
export interface Limit {
  max: number;
  windowMs: number;
}

export interface RateLimitConfig {
  /** Public requests (GET and POST /invites) per client address, whatever their answer. */
  address: Limit | null;
  /** Unknown links naming one email, from any address; past it, that email's failing checks answer 429. */
  email: Limit | null;
  /** Unknown links from one client address; past it, that address's failing checks answer 429. */
  lockout: Limit | null;
  /** Authenticated requests per API token, per replica. */
  token: Limit | null;
  /** Join link requests (each mails a confirmation) per client address. */
  joinAddress: Limit | null;
  /** Join link requests naming one email, from any address: a brake on mailing one person again and again. */
  joinEmail: Limit | null;
}

/** Keys known to be over their limit are remembered this many at most (a flood of addresses). */
const MAX_KNOWN = 100_000;

/**
 * Rate limits. The public ones count in the database (one atomic upsert per key), so every
 * replica sees the same counts and a client cannot multiply its allowance by the number of
 * replicas. Once a replica has seen a key go over its limit it remembers that until the window
 * ends and refuses from memory: a flood of refused requests costs no database work. Token
 * limits are looser and count in memory, per replica: a brake on a runaway script, not a
 * defence, and no write on every authenticated call.
 *
 * Failed link checks never refuse a correct link: they are counted, and judged, only after the
 * link was found unusable, so naming an invitee's email cannot lock the invitee out.
 */
export class RateLimiter {
  private readonly tokenWindows = new Map<string, { start: number; hits: number }>();
  /** Key → end of the window in which it is over its limit. */
  private readonly over = new Map<string, number>();

  constructor(
    private readonly store: Pick<Store, 'hitRateLimit' | 'peekRateLimit' | 'pruneRateLimits'>,
    private readonly limits: RateLimitConfig,
    private readonly now: () => number,
  ) {}

  /** Counts a public request from `address`. */
  async publicAddress(address: string): Promise<void> {
    const limit = this.limits.address;
    if (!limit) return;
    const key = `address:${address}`;
    const now = this.now();
    const known = this.knownOver(key, now, 'Too many requests from this address');
    if (known) throw known;
    const start = windowStart(now, limit);
    if ((await this.store.hitRateLimit(key, start)) > limit.max) {
      throw this.remember(key, start + limit.windowMs, now, 'Too many requests from this address');
    }
  }

  /**
   * Counts a request for a join confirmation mail (refused ones too: probing which addresses
   * a link takes is asking as well), per address and per email; 429 past either limit.
   */
  async joinRequest(address: string, email: string): Promise<void> {
    const now = this.now();
    const keys: [string, Limit | null, string][] = [
      [`join:address:${address}`, this.limits.joinAddress, 'Too many join requests from this address; try again later'],
      [`join:email:${emailKey(email)}`, this.limits.joinEmail, 'Too many join requests for this email; try again later'],
    ];
    for (const [key, limit, message] of keys) {
      if (!limit) continue;
      const known = this.knownOver(key, now, message);
      if (known) throw known;
      const start = windowStart(now, limit);
      if ((await this.store.hitRateLimit(key, start)) > limit.max) throw this.remember(key, start + limit.windowMs, now, message);
    }
  }

  /**
   * After a link check found the link unusable: the refusal to answer instead (429) when the
   * address or the email is past its limit of unknown links, else null. `unknown` (no such
   * link, or another email) is counted; a used, revoked or just-lost link is not a guess.
   */
  async failedLink(address: string, email: string | null, unknown: boolean): Promise<AppError | null> {
    const now = this.now();
    for (const [key, limit, message] of this.failureKeys(address, email)) {
      const known = this.knownOver(key, now, message);
      if (known) return known;
      const start = windowStart(now, limit);
      const count = unknown ? await this.store.hitRateLimit(key, start) : (await this.store.peekRateLimit(key, start)) + 1;
      if (count > limit.max) return this.remember(key, start + limit.windowMs, now, message);
    }
    return null;
  }

  /** Counts an authenticated request of a token (in memory, per replica). */
  token(tokenId: string): void {
    const limit = this.limits.token;
    if (!limit) return;
    const now = this.now();
    const start = windowStart(now, limit);
    const current = this.tokenWindows.get(tokenId);
    const hits = current?.start === start ? current.hits + 1 : 1;
    this.tokenWindows.set(tokenId, { start, hits });
    if (this.tokenWindows.size > MAX_KNOWN) this.forgetOldTokenWindows(start);
    if (hits > limit.max) throw tooMany('Too many requests for this token', start + limit.windowMs, now);
  }

  /** Drops counters of windows long past (called from time to time by the composition root). */
  async prune(): Promise<void> {
    const longest = Math.max(...[this.limits.address, this.limits.email, this.limits.lockout, this.limits.joinAddress, this.limits.joinEmail].map((l) => l?.windowMs ?? 0));
    await this.store.pruneRateLimits(this.now() - 2 * longest);
    this.forgetOldTokenWindows(this.limits.token ? windowStart(this.now(), this.limits.token) : Infinity);
    this.forgetEnded(this.now());
  }

  private *failureKeys(address: string, email: string | null): Generator<[string, Limit, string]> {
    if (this.limits.lockout) yield [`failed:address:${address}`, this.limits.lockout, 'Too many failed attempts from this address; try again later'];
    if (this.limits.email && email !== null) yield [`failed:email:${emailKey(email)}`, this.limits.email, 'Too many failed attempts for this email; try again later'];
  }

  /** The refusal for a key already seen over its limit in this window, decided from memory. */
  private knownOver(key: string, now: number, message: string): AppError | null {
    const until = this.over.get(key);
    return until !== undefined && until > now ? tooMany(message, until, now) : null;
  }

  private remember(key: string, until: number, now: number, message: string): AppError {
    if (this.over.size >= MAX_KNOWN) this.forgetEnded(now);
    if (this.over.size < MAX_KNOWN) this.over.set(key, until);
    return tooMany(message, until, now);
  }

  private forgetEnded(now: number): void {
    for (const [key, until] of this.over) if (until <= now) this.over.delete(key);
  }

  private forgetOldTokenWindows(current: number): void {
    for (const [id, w] of this.tokenWindows) if (w.start < current) this.tokenWindows.delete(id);
  }
}

const windowStart = (now: number, limit: Limit) => Math.floor(now / limit.windowMs) * limit.windowMs;

/** Emails are kept out of the counter table: only a hash of the canonical address is its key. */
const emailKey = (email: string) => hashSecret(canonicalEmail(email));

function tooMany(message: string, until: number, now: number): AppError {
  return new AppError('rate_limited', message, Math.max(1, Math.ceil((until - now) / 1000)));
}
