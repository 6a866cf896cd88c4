/**
 * The webhook receiver of the webhook bench, in its own process so that its CPU and event loop
 * are not the measuring client's: bare node:http, every POST read to its end and answered 200
 * with an empty body at once (keep-alive, as a real endpoint would). Signatures are not
 * verified; each delivery is counted by path, once per `webhook-id` (an at-least-once sender
 * may repeat one), with its arrival time.
 *
 * `GET /stats?prefix=/sqlite/` gives the counts of the paths under a prefix (all without one;
 * `&brief` for the two counts alone);
 * `POST /reset` forgets everything. Prints `{"url": …}` once it listens. No arguments.
 */
import { createServer } from 'node:http';

interface PathStats {
  total: number;
  ids: Set<string>;
  /** Deliveries without the three Standard Webhooks headers. */
  malformed: number;
  /** Arrival times, ms since the epoch (the bench compares them with its own clock). */
  times: number[];
  bytes: number;
}

let paths = new Map<string, PathStats>();

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/stats') return void res.end(JSON.stringify(stats(url.searchParams.get('prefix') ?? '/', url.searchParams.has('brief'))));
  if (req.method === 'POST' && url.pathname === '/reset') {
    paths = new Map();
    return void res.end('{}');
  }
  let bytes = 0;
  req.on('data', (chunk: Buffer) => (bytes += chunk.length));
  req.on('end', () => {
    const at = Date.now();
    let p = paths.get(url.pathname);
    if (!p) paths.set(url.pathname, (p = { total: 0, ids: new Set(), malformed: 0, times: [], bytes: 0 }));
    p.total++;
    p.bytes += bytes;
    p.times.push(at);
    const id = req.headers['webhook-id'];
    if (typeof id !== 'string' || !req.headers['webhook-timestamp'] || !req.headers['webhook-signature']) p.malformed++;
    else p.ids.add(id);
    res.end();
  });
});
// Longer than any pause of the sender between batches, so that its keep-alive sockets stay open.
server.keepAliveTimeout = 60_000;

/**
 * Counts under a prefix, with the arrival times summed up (their quantiles and the busiest
 * second); `brief`: the counts alone, cheap enough to poll while deliveries arrive.
 */
function stats(prefix: string, brief: boolean) {
  const chosen = [...paths].filter(([path]) => path.startsWith(prefix));
  const unique = chosen.reduce((n, [, p]) => n + p.ids.size, 0);
  if (brief) return { total: chosen.reduce((n, [, p]) => n + p.total, 0), unique };
  const times = chosen.flatMap(([, p]) => p.times).sort((a, b) => a - b);
  const quantile = (q: number) => (times.length ? times[Math.min(times.length - 1, Math.floor(q * (times.length - 1)))] : null);
  // Deliveries in each whole second from the first; the last (partial) second is left out unless it is the only one.
  const buckets: number[] = [];
  for (const t of times) buckets[Math.floor((t - times[0]) / 1000)] = (buckets[Math.floor((t - times[0]) / 1000)] ?? 0) + 1;
  const whole = buckets.length > 1 ? buckets.slice(0, -1) : buckets;
  return {
    total: chosen.reduce((n, [, p]) => n + p.total, 0),
    unique,
    malformed: chosen.reduce((n, [, p]) => n + p.malformed, 0),
    bytes: chosen.reduce((n, [, p]) => n + p.bytes, 0),
    byPath: Object.fromEntries(chosen.map(([path, p]) => [path, { total: p.total, unique: p.ids.size }])),
    firstAt: quantile(0),
    p10At: quantile(0.1),
    p50At: quantile(0.5),
    p90At: quantile(0.9),
    lastAt: quantile(1),
    peakPerSecond: whole.reduce((m, n) => Math.max(m, n ?? 0), 0),
  };
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
