import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface Child<T> {
  child: ChildProcess;
  /** The first stdout line, parsed. */
  ready: T;
  stop(): Promise<void>;
}

/**
 * Spawns a server that prints one JSON line on stdout once it listens, and waits for that line.
 * Its stderr is kept for the error message and otherwise dropped.
 */
export function spawnServer<T>(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<Child<T>> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err = (err + c).slice(-4000)));
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
