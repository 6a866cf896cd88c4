import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Child<T> {
  child: ChildProcess;
  /** The first stdout line, parsed. */
  ready: T;
  /** The end of what it wrote on stderr (the last 4,000 characters). */
  stderr(): string;
  stop(): Promise<void>;
}

/**
 * Spawns a server that prints one JSON line on stdout once it listens, and waits for that line.
 * Its stderr is kept for the error message and otherwise dropped (with BENCH_STDERR_DIR set, it
 * is also written to `<pid>.log` there).
 */
export function spawnServer<T>(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Child<T>> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-4000)));
  if (process.env.BENCH_STDERR_DIR) child.stderr!.pipe(createWriteStream(`${process.env.BENCH_STDERR_DIR}/${child.pid}.log`));
  return new Promise((done, fail) => {
    const timer = setTimeout(() => (child.kill('SIGKILL'), fail(new Error(`${args.join(' ')} did not start in ${timeoutMs / 1000} s: ${err}`))), timeoutMs);
    child.once('exit', (code) => (clearTimeout(timer), fail(new Error(`${args.join(' ')} exited with ${code}: ${err}`))));
    child.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const line = out.indexOf('\n');
      if (line < 0) return;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data').resume();
      child.removeAllListeners('exit');
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      done({
        child,
        ready: JSON.parse(out.slice(0, line)) as T,
        stderr: () => err,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(timeout);
        },
      });
    });
  });
}

/** Resident set size of a process in bytes (Linux), or 0 once it is gone. */
export function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs a bench script's `main`, then its `cleanup`, which also runs after a failure (exit code 1). */
export function runMain(main: () => Promise<void>, cleanup: () => Promise<void>): void {
  main()
    .then(cleanup)
    .catch(async (error) => {
      console.error(error);
      await cleanup();
      process.exitCode = 1;
    });
}

/** CPU time (user and system) a process has used so far, in seconds (Linux), or 0 once it is gone. */
export function cpuSecondsOf(pid: number): number {
  try {
    // The fields after the command name, which may hold spaces: its closing parenthesis ends it.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}
