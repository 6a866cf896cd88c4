import { parseDuration } from '../domain/duration.js';

/**
 * The pauses before the 2nd, 3rd … attempt of a delivery: the Standard Webhooks example
 * schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h), about 3 days and 4 hours
 * in all, so a receiver may be down for a day and a weekend and still get everything.
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = ['5s', '5m', '30m', '2h', '5h', '10h', '14h', '20h', '24h'].map((d) => parseDuration(d)!);

/** Parses `GATEHOUSE_WEBHOOK_RETRY_SCHEDULE` (comma-separated durations); a problem string when malformed. */
export function parseSchedule(text: string): number[] | string {
  const steps = text.split(',').map((s) => parseDuration(s.trim()));
  if (steps.length === 0 || steps.some((s) => s === null || s <= 0)) {
    return `GATEHOUSE_WEBHOOK_RETRY_SCHEDULE must be comma-separated durations such as "5s,5m,30m", got "${text}"`;
  }
  return steps as number[];
}

/**
 * When to try again after `attempts` failed attempts, or null when the schedule is spent.
 * ±20% jitter spreads the retries of many deliveries that failed together; a Retry-After the
 * endpoint asked for is honoured when it is later (up to a day).
 */
export function nextAttemptDelay(schedule: readonly number[], attempts: number, retryAfterMs: number | null, random = Math.random): number | null {
  const step = schedule[attempts - 1];
  if (step === undefined) return null;
  const jittered = Math.round(step * (0.8 + 0.4 * random()));
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, 24 * 3600_000));
}
