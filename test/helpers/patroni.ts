/**
 * A throwaway highly available PostgreSQL for the failover test: one etcd member, three Patroni
 * nodes in synchronous mode, and HAProxy in front sending connections to whichever node
 * Patroni's REST API calls the primary. Everything runs on 127.0.0.1 on free ports, in one temp
 * folder, and destroy() stops all of it (Patroni starts each postmaster in a session of its own,
 * so the postmasters are stopped by pid, not with Patroni's process group).
 *
 * Debian packages: patroni, etcd-server, haproxy (and postgresql for the server binaries).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import { findPostgresBin, freePort } from './postgres.js';
import { trackServerLog } from './server-logs.js';
import { sleep, until } from './wait.js';

/**
 * Fast failover, within what Patroni accepts (ttl >= loop_wait + 2 * retry_timeout): a crashed
 * leader is noticed within a loop, and a leader that cannot reach etcd gives up within the ttl.
 */
export const TIMING = { ttl: 10, loop_wait: 1, retry_timeout: 4 };

const TOOLS = [
  { name: 'patroni', pkg: 'patroni' },
  { name: 'etcd', pkg: 'etcd-server' },
  { name: 'haproxy', pkg: 'haproxy' },
];

function onPath(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/bin', '/usr/local/sbin'];
  for (const dir of dirs) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** Why the cluster cannot be started here (the binaries and Debian packages missing), or null. */
export function patroniUnavailable(): string | null {
  const missing = TOOLS.filter((t) => !onPath(t.name));
  if (missing.length) {
    return `${missing.map((t) => t.name).join(', ')} not found (Debian packages: apt-get install -y ${missing.map((t) => t.pkg).join(' ')})`;
  }
  if (!findPostgresBin()) return 'PostgreSQL binaries not found under /usr/lib/postgresql (Debian package "postgresql")';
  return null;
}

export interface Member {
  name: string;
  role: 'leader' | 'sync_standby' | 'replica' | string;
  state: string;
  host: string;
  port: number;
  timeline?: number;
  lag?: number | string;
}

export interface Kill {
  node: string;
  pid: number;
  at: number;
}

export interface PatroniCluster {
  /** Superuser URL of the `postgres` database through HAProxy: always the current primary. */
  adminUrl: string;
  /** The members as Patroni's REST API (`GET /cluster`) sees them. */
  members(): Promise<Member[]>;
  /** The name of the current leader, or null while there is none. */
  leader(): Promise<string | null>;
  /** SIGKILLs the postmaster of the current leader (no shutdown, no checkpoint: a crash). */
  killPrimaryPostgres(): Promise<Kill>;
  /** Waits for a running leader other than `previous`; returns its name. */
  waitForNewLeader(previous: string, ms: number): Promise<string>;
  /** Waits until all three nodes run, the other two streaming from the leader, one of them synchronously. */
  waitForHealthy(ms: number): Promise<Member[]>;
  destroy(): Promise<void>;
}

interface Started {
  name: string;
  child: ChildProcess;
  log: string;
}

/** Patroni must not run PostgreSQL as root: as root, everything runs as the `postgres` user. */
function account(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A signal to a pid that may be gone meanwhile. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** The pids whose parent is `pid` (a postmaster's backends and auxiliary processes). */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields after it start at the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

async function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true;
  return Promise.race([new Promise<boolean>((r) => child.once('exit', () => r(true))), sleep(ms).then(() => false)]);
}

/** The postmaster pid of a data folder: the first line of postmaster.pid, when that process lives. */
function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : null;
  } catch {
    return null;
  }
}

async function getJson(url: string, ms = 1000): Promise<any> {
  const res = await fetch(url, { signal: AbortSignal.timeout(ms) });
  if (!res.ok) throw new Error(`GET ${url}: ${res.status}`);
  return res.json();
}

export async function startPatroniCluster(): Promise<PatroniCluster> {
  const missing = patroniUnavailable();
  if (missing) throw new Error(missing);
  const bin = findPostgresBin()!;
  const { uid, gid } = account();
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-patroni-'));
  const own = (path: string) => {
    if (uid !== undefined) chownSync(path, uid, gid!);
  };
  own(dir);

  const started: Started[] = [];
  const untrack: (() => void)[] = [];
  /** Output to a file in the temp folder, shown by test/setup.ts when a test fails. */
  const launch = (name: string, file: string, args: string[]): Started => {
    const log = join(dir, `${name}.log`);
    const fd = openSync(log, 'a');
    own(log);
    // detached: a process group of its own, stopped as a whole by destroy().
    const child = spawn(file, args, { cwd: dir, uid, gid, detached: true, stdio: ['ignore', fd, fd], env: { ...process.env, HOME: dir } });
    closeSync(fd);
    const s = { name, child, log };
    started.push(s);
    untrack.push(trackServerLog(name, () => (existsSync(log) ? readFileSync(log, 'utf8') : '')));
    return s;
  };

  const nodes: { name: string; pgPort: number; restPort: number; dataDir: string }[] = [];
  let destroyed = false;
  const destroy = async () => {
    if (destroyed) return;
    destroyed = true;
    process.off('exit', lastResort);
    const byName = (prefix: string) => started.filter((s) => s.name.startsWith(prefix));
    for (const s of byName('haproxy')) signalGroup(s.child, 'SIGKILL');
    // SIGTERM: each Patroni stops its postgres and exits.
    const patronis = byName('patroni');
    for (const s of patronis) signalGroup(s.child, 'SIGTERM');
    await Promise.all(patronis.map((s) => exited(s.child, 15_000)));
    for (const s of patronis) signalGroup(s.child, 'SIGKILL');
    // A postmaster Patroni did not stop: SIGQUIT is PostgreSQL's immediate shutdown, which takes
    // its backends along; SIGKILL for whatever is left after that.
    for (const node of nodes) {
      const pid = postmasterPid(node.dataDir);
      if (pid === null) continue;
      const children = childrenOf(pid);
      signal(pid, 'SIGQUIT');
      const deadline = Date.now() + 5000;
      while (alive(pid) && Date.now() < deadline) await sleep(50);
      for (const p of [pid, ...children]) if (alive(p)) signal(p, 'SIGKILL');
    }
    for (const s of byName('etcd')) signalGroup(s.child, 'SIGTERM');
    await Promise.all(byName('etcd').map((s) => exited(s.child, 5000)));
    for (const s of started) signalGroup(s.child, 'SIGKILL');
    await Promise.all(started.map((s) => exited(s.child, 2000)));
    for (const u of untrack) u();
    rmSync(dir, { recursive: true, force: true });
  };
  // A run torn down without afterAll (the worker killed) must not leave the cluster running.
  function lastResort() {
    for (const s of started) signalGroup(s.child, 'SIGKILL');
    for (const node of nodes) {
      const pid = postmasterPid(node.dataDir);
      if (pid !== null) signal(pid, 'SIGKILL');
    }
  }
  process.on('exit', lastResort);

  try {
    // etcd: a single member, so the DCS itself never elects.
    const etcdClient = await freePort();
    const etcdPeer = await freePort();
    const etcdDir = join(dir, 'etcd');
    launch('etcd', onPath('etcd')!, [
      '--name=etcd0',
      `--data-dir=${etcdDir}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=etcd0=http://127.0.0.1:${etcdPeer}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=${dir}`,
      '--heartbeat-interval=100',
      '--election-timeout=1000',
    ]);
    await until('etcd to report healthy', 20_000, async () => {
      try {
        return (await getJson(`http://127.0.0.1:${etcdClient}/health`)).health === 'true' ? true : undefined;
      } catch {
        return undefined;
      }
    });

    for (let i = 0; i < 3; i++) {
      nodes.push({ name: `node${i}`, pgPort: await freePort(), restPort: await freePort(), dataDir: join(dir, `node${i}`, 'data') });
    }
    const scope = `gatehouse-${Date.now().toString(36)}`;
    for (const node of nodes) {
      const home = join(dir, node.name);
      execFileSync('mkdir', ['-p', home]);
      own(home);
      // JSON is YAML: Patroni reads this file as it is.
      const config = {
        scope,
        name: node.name,
        log: { level: 'INFO' },
        restapi: { listen: `127.0.0.1:${node.restPort}`, connect_address: `127.0.0.1:${node.restPort}` },
        etcd3: { hosts: [`127.0.0.1:${etcdClient}`] },
        bootstrap: {
          dcs: {
            ...TIMING,
            // A crashed primary is failed over at once, not restarted in place: the test is
            // about a new primary behind the proxy.
            primary_start_timeout: 0,
            // Only a synchronous standby is promoted: no commit acknowledged to Gatehouse is lost.
            synchronous_mode: true,
            maximum_lag_on_failover: 1048576,
            postgresql: {
              use_pg_rewind: true,
              use_slots: true,
              parameters: {
                // A SIGKILL of postgres is no OS crash: the page cache survives, and the test
                // runs much faster without fsyncs on a 2-core machine.
                fsync: 'off',
                wal_log_hints: 'on',
                max_connections: 100,
                wal_keep_size: '256MB',
              },
            },
          },
          initdb: [{ encoding: 'UTF8' }, { auth: 'trust' }, 'no-sync'],
        },
        postgresql: {
          listen: `127.0.0.1:${node.pgPort}`,
          connect_address: `127.0.0.1:${node.pgPort}`,
          data_dir: node.dataDir,
          bin_dir: bin,
          pgpass: join(home, 'pgpass'),
          authentication: { superuser: { username: 'postgres' }, replication: { username: 'postgres' }, rewind: { username: 'postgres' } },
          parameters: { unix_socket_directories: home },
          pg_hba: ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust'],
          // An old primary that cannot be rewound is cloned again rather than left out.
          remove_data_directory_on_rewind_failure: true,
          remove_data_directory_on_diverged_timelines: true,
        },
      };
      const file = join(home, 'patroni.yml');
      writeFileSync(file, JSON.stringify(config, null, 2));
      own(file);
    }
    // The first node alone first: it bootstraps the cluster, and the others then clone it
    // instead of racing for the initialize key on a busy machine.
    const patroni = onPath('patroni')!;
    launch('patroni-node0', patroni, [join(dir, 'node0', 'patroni.yml')]);

    const members = async (): Promise<Member[]> => {
      for (const node of nodes) {
        try {
          return ((await getJson(`http://127.0.0.1:${node.restPort}/cluster`)).members ?? []) as Member[];
        } catch {
          // that node's Patroni does not answer: ask the next one
        }
      }
      return [];
    };
    const leader = async () => (await members()).find((m) => m.role === 'leader' && m.state === 'running')?.name ?? null;
    await until('node0 to bootstrap and lead', 60_000, async () => (await leader()) ?? undefined);
    for (const node of nodes.slice(1)) launch(`patroni-${node.name}`, patroni, [join(dir, node.name, 'patroni.yml')]);

    const proxyPort = await freePort();
    const proxyConfig = join(dir, 'haproxy.cfg');
    writeFileSync(
      proxyConfig,
      [
        'global',
        '  maxconn 1000',
        'defaults',
        '  mode tcp',
        '  timeout connect 2s',
        // Gatehouse's pool keeps connections idle for a while: the proxy must not cut them.
        '  timeout client 1h',
        '  timeout server 1h',
        '  timeout check 1s',
        'listen primary',
        `  bind 127.0.0.1:${proxyPort}`,
        '  option httpchk OPTIONS /primary',
        '  http-check expect status 200',
        // A node is out after one failed check and back after one good one, and its
        // connections are cut at once: clients reconnect to the new primary.
        '  default-server inter 500ms fall 1 rise 1 on-marked-down shutdown-sessions',
        ...nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.pgPort} check port ${n.restPort}`),
        '',
      ].join('\n'),
    );
    own(proxyConfig);
    launch('haproxy', onPath('haproxy')!, ['-db', '-f', proxyConfig]);

    /**
     * Healthy as the leader's postgres sees it, not only as Patroni's keys say: both others
     * stream from it and the one Patroni calls the synchronous standby is the one PostgreSQL
     * waits for. Only then does a crash of the leader have a standby Patroni will promote.
     */
    const healthy = async (): Promise<Member[] | undefined> => {
      const list = await members();
      const lead = list.find((m) => m.role === 'leader' && m.state === 'running');
      const sync = list.filter((m) => m.role === 'sync_standby' && ['running', 'streaming'].includes(m.state));
      if (!lead || sync.length !== 1 || list.length !== 3 || !list.every((m) => ['running', 'streaming'].includes(m.state))) return undefined;
      const client = new pg.Client({ host: '127.0.0.1', port: lead.port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 });
      client.on('error', () => {});
      try {
        await client.connect();
        const { rows } = await client.query<{ application_name: string; state: string; sync_state: string }>(
          'select application_name, state, sync_state from pg_stat_replication',
        );
        const streaming = rows.filter((r) => r.state === 'streaming');
        const waitedFor = streaming.filter((r) => r.sync_state === 'sync').map((r) => r.application_name);
        return streaming.length === 2 && waitedFor.length === 1 && waitedFor[0] === sync[0].name ? list : undefined;
      } catch {
        return undefined;
      } finally {
        await client.end().catch(() => {});
      }
    };
    const waitForHealthy = (ms: number) => until('three running nodes: a leader and its synchronous standby streaming', ms, healthy);
    await waitForHealthy(90_000);

    return {
      adminUrl: `postgres://postgres@127.0.0.1:${proxyPort}/postgres`,
      members,
      leader,
      async killPrimaryPostgres() {
        const name = await leader();
        if (!name) throw new Error('no leader to kill');
        const node = nodes.find((n) => n.name === name)!;
        const pid = postmasterPid(node.dataDir);
        if (pid === null) throw new Error(`${name} leads but has no running postmaster`);
        process.kill(pid, 'SIGKILL');
        return { node: name, pid, at: Date.now() };
      },
      waitForNewLeader: (previous, ms) =>
        until(`a leader other than ${previous}`, ms, async () => {
          const name = await leader();
          return name !== null && name !== previous ? name : undefined;
        }),
      waitForHealthy,
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
