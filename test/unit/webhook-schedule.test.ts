import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_SCHEDULE_MS, nextAttemptDelay, parseSchedule } from '../../src/webhooks/schedule.js';

describe('the retry schedule', () => {
  it('is the Standard Webhooks example: nine retries over more than three days, with ±20% jitter', () => {
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(3 * 86_400_000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, null, () => 0)).toBe(4000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, null, () => 1)).toBe(6000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 2, null, () => 0.5)).toBe(300_000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 10, null)).toBeNull();
    // A later Retry-After wins, up to a day.
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 60_000, () => 0.5)).toBe(60_000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 10 * 86_400_000, () => 0.5)).toBe(86_400_000);
  });
});

describe('GATEHOUSE_WEBHOOK_RETRY_SCHEDULE', () => {
  it('reads comma-separated durations and names itself when malformed', () => {
    expect(parseSchedule('1s, 2s,4s')).toEqual([1000, 2000, 4000]);
    expect(parseSchedule('1s,,2s')).toMatch(/GATEHOUSE_WEBHOOK_RETRY_SCHEDULE/);
    expect(parseSchedule('0s')).toMatch(/GATEHOUSE_WEBHOOK_RETRY_SCHEDULE/);
  });
});
