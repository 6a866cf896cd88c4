import type { Store } from '../store/store.js';
import { AppError } from './errors.js';
import { hashSecret } from './secrets.js';

/** At most `max` events per fixed window of `windowMs`. */
export interface Limit {
  max: number;
  windowMs: number;
}

export interface RateLimitConfig {
  /** Public requests (GET and POST /invites) per client address. */
  address: Limit | null;
  /** Public requests naming one email. */
  email: Limit | null;
  /** Failed link checks (unknown token, or another email) per email before that email is refused for the window. */
  lockout: Limit | null;
  /** Authenticated requests per API token, per replica. */
  token: Limit | null;
}

export const RATE_LIMITS_OFF: RateLimitConfig = { address: null, email: null, lockout: null, token: null };

/**
 * Rate limits. The public ones count in the database (one atomic upsert per key), so every
 * replica sees the same counts and a client cannot multiply its allowance by the number of
 * replicas. Token limits are looser and count in memory, per replica: they are a brake on a
 * runaway script, not a defence, and cost no write on every authenticated call.
 */
export class RateLimiter {
  private readonly tokenWindows = new Map<string, { start: number; hits: number }>();

  constructor(
    private readonly store: Pick<Store, 'hitRateLimit' | 'peekRateLimit' | 'pruneRateLimits'>,
    private readonly limits: RateLimitConfig,
    private readonly now: () => number,
  ) {}

  /** Counts a public request from `address`. */
  async publicAddress(address: string): Promise<void> {
    const limit = this.limits.address;
    if (limit) await this.count(`address:${address}`, limit, 'Too many requests from this address');
  }

  /** Counts a public request naming `email`, refused outright while the email is locked out. */
  async publicEmail(email: string): Promise<void> {
    const key = emailKey(email);
    const lockout = this.limits.lockout;
    if (lockout) {
      const start = windowStart(this.now(), lockout);
      if ((await this.store.peekRateLimit(`failed:${key}`, start)) >= lockout.max) {
        throw tooMany('Too many failed attempts for this email; try again later', start, lockout, this.now());
      }
    }
    if (this.limits.email) await this.count(`email:${key}`, this.limits.email, 'Too many requests for this email');
  }

  /** Notes a link check that failed for `email` (the lockout counts these). */
  async failedLink(email: string): Promise<void> {
    if (this.limits.lockout) await this.store.hitRateLimit(`failed:${emailKey(email)}`, windowStart(this.now(), this.limits.lockout));
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
    if (this.tokenWindows.size > 100_000) this.forgetOldTokenWindows(start);
    if (hits > limit.max) throw tooMany('Too many requests for this token', start, limit, now);
  }

  /** Drops counters of windows long past (called from time to time by the composition root). */
  async prune(): Promise<void> {
    const longest = Math.max(...[this.limits.address, this.limits.email, this.limits.lockout].map((l) => l?.windowMs ?? 0));
    await this.store.pruneRateLimits(this.now() - 2 * longest);
    this.forgetOldTokenWindows(this.limits.token ? windowStart(this.now(), this.limits.token) : Infinity);
  }

  private forgetOldTokenWindows(current: number): void {
    for (const [id, w] of this.tokenWindows) if (w.start < current) this.tokenWindows.delete(id);
  }

  private async count(key: string, limit: Limit, message: string): Promise<void> {
    const now = this.now();
    const start = windowStart(now, limit);
    if ((await this.store.hitRateLimit(key, start)) > limit.max) throw tooMany(message, start, limit, now);
  }
}

const windowStart = (now: number, limit: Limit) => Math.floor(now / limit.windowMs) * limit.windowMs;

/** Emails are kept out of the counter table: only a hash of the normalised address is its key. */
const emailKey = (email: string) => hashSecret(email.trim().toLowerCase());

function tooMany(message: string, start: number, limit: Limit, now: number): AppError {
  return new AppError('rate_limited', message, Math.max(1, Math.ceil((start + limit.windowMs - now) / 1000)));
}
