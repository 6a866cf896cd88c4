import autocannon from 'autocannon';
import { cpuSecondsOf, rssOf } from './process.js';
import type { BenchRequest } from './types.js';

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and non-2xx answers. */
  errors: number;
  peakRssMb: number;
  /**
   * The server process's CPU time per answered request, in µs: steadier than the rate on a
   * machine the load generator shares, since it does not count the time the server waited for
   * a core. Its own process only: PostgreSQL's backends are not in it.
   */
  cpuUsPerRequest: number;
}

export interface LoadOptions {
  url: string;
  pid: number;
  connections: number;
  seconds: number;
  /** The next request; null ends the run early (a write pool is used up). */
  next: () => BenchRequest | null;
  /** At most this many requests (a write pool's size). */
  maxRequests?: number;
  /**
   * Requests per second over all connections (an open load, as a user's clicks), instead of as
   * fast as answers come. Latencies are then as measured: autocannon's correction for
   * coordinated omission would add made-up samples at 1 ms steps below every slow answer.
   */
  rate?: number;
}

/** One autocannon run against one target, sampling the server's resident memory as it goes. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  let peak = rssOf(o.pid);
  const cpuBefore = cpuSecondsOf(o.pid);
  const sampler = setInterval(() => (peak = Math.max(peak, rssOf(o.pid))), 100);
  try {
    const result = await autocannon({
      url: o.url,
      connections: o.connections,
      duration: o.seconds,
      ...(o.maxRequests !== undefined && { maxOverallRequests: o.maxRequests }),
      ...(o.rate !== undefined && { overallRate: o.rate, ignoreCoordinatedOmission: true }),
      requests: [
        {
          setupRequest: (req) => {
            const r = o.next();
            if (!r) return req;
            const headers = { ...r.headers, ...(r.body && { 'content-type': 'application/json' }) };
            return { ...req, method: r.method, path: r.path, headers, body: r.body };
          },
        },
      ],
    });
    const requests = result.requests.total;
    return {
      requests,
      seconds: result.duration,
      rps: Math.round(requests / result.duration),
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts + result.non2xx,
      peakRssMb: Math.round((Math.max(peak, rssOf(o.pid)) / 1048576) * 10) / 10,
      cpuUsPerRequest: requests > 0 ? Math.round(((cpuSecondsOf(o.pid) - cpuBefore) * 1e6) / requests) : 0,
    };
  } finally {
    clearInterval(sampler);
  }
}
