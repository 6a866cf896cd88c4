import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../domain/duration.js';

export function duration(text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new InvalidArgumentError('expected milliseconds or a duration like 30s, 15m, 2h, 7d');
  return ms;
}

export function positiveInt(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new InvalidArgumentError('expected a whole number of 1 or more');
  return Number(text);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** An instant: ISO 8601 (`2026-11-22T10:00:00Z`, `2026-11-22`) or a duration ago (`24h`, `7d`). */
export function instant(text: string): string {
  const ago = parseDuration(text);
  if (ago !== null) return new Date(Date.now() - ago).toISOString();
  const at = Date.parse(text);
  if (Number.isNaN(at)) throw new InvalidArgumentError('expected an ISO date or time (2026-11-22T10:00:00Z) or a duration ago (24h, 7d)');
  return new Date(at).toISOString();
}
