/**
 * A flood in its own process, so that its CPU and event loop are not the measuring client's:
 * `GET <path>` at a fixed overall rate, then the counts by status written to a JSON file.
 * Started by lib/flood.ts; prints one JSON line once it sends.
 *
 * Arguments: url path rate connections seconds close(0|1) outFile
 */
import { writeFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, path, rate, connections, seconds, close, out] = process.argv.slice(2);
autocannon(
  {
    url,
    connections: Number(connections),
    // autocannon 9 spends two of a connection's per-second allowance on each answer that closes
    // the connection (it writes the next request on the closing socket, then again on the new
    // one), so that it would reach half the rate asked: ask twice. The caller reports the rate
    // of answers actually received.
    overallRate: Number(rate) * (close === '1' ? 2 : 1),
    duration: Number(seconds),
    requests: [{ method: 'GET', path, headers: close === '1' ? { connection: 'close' } : {} }],
  },
  (error, result) => {
    if (error) throw error;
    const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, (s as { count: number }).count]));
    writeFileSync(out, JSON.stringify({ requests: result.requests.total, seconds: result.duration, errors: result.errors, timeouts: result.timeouts, statusCodes }));
  },
);
console.log(JSON.stringify({ sending: true }));
