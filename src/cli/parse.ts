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
