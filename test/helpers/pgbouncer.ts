/**
 * A throwaway PgBouncer from Debian's `pgbouncer` package in transaction pooling mode, in front
 * of a PostgreSQL cluster: a temp folder, a free port on 127.0.0.1, every database of the
 * cluster reachable under its own name, removed afterwards. It is how production runs behind a
 * pooler, so the PostgreSQL suites can run through it (GATEHOUSE_TEST_PGBOUNCER=1).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './postgres.js';

export interface Bouncer {
  /** Superuser URL of the `postgres` database, through the pooler. */
  url: string;
  port: number;
  /** Stops the pooler (immediate shutdown: clients are cut) and removes its folder. */
  destroy(): Promise<void>;
}

/** Debian installs it in /usr/sbin, which a non-root PATH lacks. */
export function findPgbouncer(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/sbin', '/usr/local/sbin'];
  return dirs.map((d) => join(d, 'pgbouncer')).find((p) => existsSync(p)) ?? null;
}

/** Quoted for pgbouncer.ini and the auth file, whose strings escape a double quote by doubling it. */
const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Starts PgBouncer in front of the cluster `adminUrl` points at, connecting to it as that URL's
 * user (with its password, if any).
 */
export async function startPgbouncer(adminUrl: string): Promise<Bouncer> {
  const binary = findPgbouncer();
  if (!binary) throw new Error('pgbouncer not found in PATH or /usr/sbin (Debian package "pgbouncer")');
  const target = new URL(adminUrl);
  const user = decodeURIComponent(target.username || 'postgres');
  const password = decodeURIComponent(target.password);
  // PgBouncer refuses to run as root, as PostgreSQL does.
  const asRoot = process.getuid?.() === 0;
  const uid = asRoot ? Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()) : undefined;
  const gid = asRoot ? Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()) : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-pgbouncer-'));
  if (uid !== undefined) chownSync(dir, uid, gid!);
  const port = await freePort();
  const log = join(dir, 'pgbouncer.log');
  // Clients are trusted, but the server may ask for a password: PgBouncer answers it from here.
  writeFileSync(join(dir, 'userlist.txt'), `${quoted(user)} ${quoted(password)}\n`);
  const ini = [
    '[databases]',
    // The wildcard: the databases each suite creates are reachable without a restart.
    `* = host=${target.hostname} port=${target.port || 5432}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    // No Unix socket: a second run's pooler on another port would still collide on the path.
    'unix_socket_dir =',
    'auth_type = trust',
    `auth_file = ${join(dir, 'userlist.txt')}`,
    `admin_users = ${user}`,
    'pool_mode = transaction',
    // Every harness of every fork holds a pg pool of its own, up to 10 connections each.
    'max_client_conn = 2000',
    'default_pool_size = 20',
    // The cluster allows 200 connections and the fixtures connect to it directly too: all pools
    // share at most 100, and PgBouncer closes an idle one of another database to make room.
    'max_user_connections = 100',
    // Each suite leaves its databases behind: their server connections should not linger.
    'server_idle_timeout = 5',
    // node-postgres sends none of these by default, but a client that does must not be refused.
    'ignore_startup_parameters = extra_float_digits,options',
    `logfile = ${log}`,
    // Every harness connects and disconnects: those lines would bury the errors.
    'log_connections = 0',
    'log_disconnections = 0',
  ].join('\n');
  const config = join(dir, 'pgbouncer.ini');
  writeFileSync(config, `${ini}\n`);
  if (uid !== undefined) for (const f of ['userlist.txt', 'pgbouncer.ini']) chownSync(join(dir, f), uid, gid!);

  // In the foreground, a child of this process: it is stopped by its pid, and goes with the run.
  const output = openSync(join(dir, 'stdout.log'), 'a');
  const child: ChildProcess = spawn(binary, [config], { uid, gid, stdio: ['ignore', output, output] });
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = `exit ${code ?? signal}`;
      resolve();
    }),
  );
  child.once('error', (error) => (exited = error.message));
  const url = `postgres://${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ''}@127.0.0.1:${port}/${target.pathname.slice(1) || 'postgres'}`;

  const destroy = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      await exit;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const logs = () => ['stdout.log', 'pgbouncer.log'].map((f) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '')).join('');

  // Ready once a query goes through it to the cluster.
  const deadline = Date.now() + 10_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query('select 1');
      await client.end();
      break;
    } catch (error) {
      await client.end().catch(() => {});
      if (exited || Date.now() > deadline) {
        const why = exited ? `pgbouncer stopped (${exited})` : `pgbouncer did not answer within 10 s (${(error as Error).message})`;
        const text = logs();
        await destroy();
        throw new Error(`${why}:\n${text}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { url, port, destroy };
}
