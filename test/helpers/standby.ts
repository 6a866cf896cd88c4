/**
 * A streaming-replication standby of a throwaway cluster (test/helpers/postgres.ts), from
 * Debian's `postgresql` package: pg_basebackup with -R (the standby's settings), started on a
 * free port. Replay can be paused to make it fall behind, and it can be stopped.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Cluster, findPostgresBin, freePort, runner } from './postgres.js';

export interface Standby {
  port: number;
  /** The URL of database `name` on the standby. */
  url(name: string): string;
  /** Replay stops: the standby falls behind its primary. */
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): void;
  destroy(): void;
}

export async function startStandby(primary: Cluster): Promise<Standby> {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL binaries not found under /usr/lib/postgresql (Debian package "postgresql")');
  const { prefix, uid, gid } = runner();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-standby-'));
  if (uid !== undefined) chownSync(dir, uid, gid!);
  const data = join(dir, 'data');
  const port = await freePort();
  const run = (tool: string, args: string[]) => {
    const [cmd, ...rest] = [...prefix, join(bin, tool), ...args];
    execFileSync(cmd, rest, { stdio: 'pipe' });
  };
  run('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '--no-sync']);
  // A hot standby needs at least the primary's max_connections.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c hot_standby=on -c max_connections=200`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  start();
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  // pg_wal_replay_pause() only asks: until the startup process confirms, it may replay what
  // arrives next (a CI run saw a write made after the call on the standby).
  const pause = async () => {
    await admin('select pg_wal_replay_pause()');
    const until = Date.now() + 10_000;
    while ((await admin('select pg_get_wal_replay_pause_state() as state'))[0].state !== 'paused') {
      if (Date.now() > until) throw new Error('the standby did not confirm its replay pause within 10 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    port,
    url: (name) => `postgres://postgres@127.0.0.1:${port}/${name}`,
    pause,
    resume: async () => {
      await admin('select pg_wal_replay_resume()');
    },
    stop,
    destroy() {
      try {
        stop();
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
