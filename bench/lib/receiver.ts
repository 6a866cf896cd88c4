import { join } from 'node:path';
import { ROOT, spawnServer } from './process.js';

/** What the receiver has counted under a path prefix (see lib/receiver-server.ts). */
export interface ReceiverStats {
  total: number;
  /** Distinct `webhook-id`s per path, summed: deliveries without the repeats. */
  unique: number;
  malformed: number;
  bytes: number;
  byPath: Record<string, { total: number; unique: number }>;
  /** Arrival times, ms since the epoch: the first, the 10th, 50th and 90th percentiles, the last. */
  firstAt: number | null;
  p10At: number | null;
  p50At: number | null;
  p90At: number | null;
  lastAt: number | null;
  /** The most deliveries in one whole second counted from the first. */
  peakPerSecond: number;
}

export interface Receiver {
  url: string;
  pid: number;
  stats(prefix: string): Promise<ReceiverStats>;
  /** The two counts alone, cheap enough to poll. */
  count(prefix: string): Promise<{ total: number; unique: number }>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the local webhook receiver (lib/receiver-server.ts) in its own process. */
export async function startReceiver(): Promise<Receiver> {
  const child = await spawnServer<{ url: string }>(process.execPath, ['--import', 'tsx', join(ROOT, 'bench/lib/receiver-server.ts')], {}, 30_000);
  const url = child.ready.url;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    if (!res.ok) throw new Error(`receiver ${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  return {
    url,
    pid: child.child.pid!,
    stats: (prefix) => get(`/stats?prefix=${encodeURIComponent(prefix)}`),
    count: (prefix) => get(`/stats?brief&prefix=${encodeURIComponent(prefix)}`),
    async reset() {
      await fetch(`${url}/reset`, { method: 'POST' });
    },
    stop: child.stop,
  };
}
