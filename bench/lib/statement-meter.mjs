/**
 * Loaded into a Gatehouse server with `node --import` by the webhook bench's `--meter`: counts
 * and times every SQL statement by its text, on better-sqlite3 (the time the statement runs,
 * on the one thread) and on pg (from the call until its answer, queueing for the connection
 * included). On SIGUSR2 it writes what it counted since the last signal to
 * `$BENCH_METER_DIR/<pid>.<n>.json` (n from 1) and starts over. Plain JavaScript, so that the
 * server runs without a TypeScript loader.
 */
import { writeFileSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import pg from 'pg';

let counts = new Map();
let dumps = 0;
const note = (sql, ms) => {
  const c = counts.get(sql);
  if (c) {
    c.n++;
    c.ms += ms;
  } else counts.set(sql, { n: 1, ms });
};

// Every Statement shares one prototype: wrap its running methods.
const probe = new Sqlite(':memory:');
const statement = Object.getPrototypeOf(probe.prepare('select 1'));
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = statement[method];
  statement[method] = function (...args) {
    const started = performance.now();
    try {
      return original.apply(this, args);
    } finally {
      note(this.source, performance.now() - started);
    }
  };
}
// Kept open for the life of the process: better-sqlite3 12 must not finalise it (see src/store/sqlite-native.ts).
globalThis.__benchMeterProbe = probe;

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, ...rest) {
  const text = typeof config === 'string' ? config : config?.text;
  const started = performance.now();
  const result = query.call(this, config, ...rest);
  if (text && result && typeof result.then === 'function') result.then(() => note(text, performance.now() - started), () => note(text, performance.now() - started));
  return result;
};

process.on('SIGUSR2', () => {
  const rows = [...counts].map(([sql, c]) => ({ sql, n: c.n, ms: Math.round(c.ms * 1000) / 1000 }));
  counts = new Map();
  writeFileSync(`${process.env.BENCH_METER_DIR}/${process.pid}.${++dumps}.json`, JSON.stringify(rows));
});
