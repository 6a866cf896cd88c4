import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnServer } from './process.js';

export interface FloodOptions {
  url: string;
  /** Path and query of every request, e.g. `/invites?token=x&email=y`. */
  path: string;
  /** Requests per second, over all connections. */
  rate: number;
  connections: number;
  seconds: number;
  /** Ask the server to close each connection after its answer (`Connection: close`). */
  close: boolean;
}

export interface FloodResult {
  requests: number;
  seconds: number;
  /** Answers per second achieved over the whole flood. */
  rps: number;
  /** Answers by HTTP status, e.g. `{ "429": 9800, "404": 60 }`. */
  statusCodes: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
}

export interface RunningFlood {
  /** Resolves when the flood has ended by itself, with what it achieved. */
  done: Promise<FloodResult>;
}

/** Starts a flood in a separate process (lib/flood-worker.ts) and resolves once it is sending. */
export async function startFlood(o: FloodOptions): Promise<RunningFlood> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-flood-'));
  const out = join(dir, 'result.json');
  const args = ['--import', 'tsx', join(ROOT, 'bench/lib/flood-worker.ts'), o.url, o.path, String(o.rate), String(o.connections), String(o.seconds), o.close ? '1' : '0', out];
  const worker = await spawnServer<{ sending: true }>(process.execPath, args, {}, 30_000);
  const done = new Promise<FloodResult>((resolve, reject) => {
    const finish = () => {
      try {
        const r = JSON.parse(readFileSync(out, 'utf8')) as Omit<FloodResult, 'rps' | 'errors'> & { errors: number; timeouts: number };
        resolve({ requests: r.requests, seconds: r.seconds, rps: Math.round(r.requests / r.seconds), statusCodes: r.statusCodes, errors: r.errors + r.timeouts });
      } catch (error) {
        reject(new Error(`the flood wrote no result: ${String(error)}`));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    if (worker.child.exitCode !== null) finish();
    else worker.child.once('exit', finish);
  });
  return { done };
}
