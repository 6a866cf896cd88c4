const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `1500`, `1500ms`, `30s`, `15m`, `2h` or `7d` into milliseconds; null when it can't. */
export function parseDuration(text: string): number | null {
  const match = /^\s*(\d+)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) return null;
  const ms = Number(match[1]) * UNITS[match[2] ?? 'ms'];
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}

/** The inverse of parseDuration for people: `259200000` is `3d`, `5400000` is `90m`; the largest unit that divides it. */
export function formatDuration(ms: number): string {
  const unit = (['d', 'h', 'm', 's'] as const).find((u) => ms % UNITS[u] === 0);
  return unit ? `${ms / UNITS[unit]}${unit}` : `${ms}ms`;
}
