/**
 * The Gatehouse CLI and server as child processes, for the end-to-end tests: `node
 * bin/gatehouse.js …` run from the repository root. dist/ is built by test/global-setup.ts.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ReadMail } from '../../src/mail/eml.js';
import { trackServerLog } from './server-logs.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/gatehouse.js');

// ---------------------------------------------------------------------------------------------
// Running a command.

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `file args` in the repository root (or in `cwd`, for what relative paths resolve against);
 * resolves (never rejects) with its exit code and output.
 */
export function run(file: string, args: string[], env: NodeJS.ProcessEnv, cwd = ROOT): Promise<RunResult> {
  return new Promise((done) => {
    execFile(file, args, { cwd, env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** A line of a Node stack trace: what an operator should never see for bad input. */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

/** The output of a command run with --json: it succeeded and printed exactly one JSON object. */
export function jsonOf<T extends object>(result: RunResult): T {
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  const lines = result.stdout.split('\n');
  expect(lines.at(-1)).toBe('');
  expect(lines).toHaveLength(2);
  const parsed: unknown = JSON.parse(lines[0]);
  expect(typeof parsed).toBe('object');
  expect(Array.isArray(parsed)).toBe(false);
  expect(parsed).not.toBeNull();
  return parsed as T;
}

/** The command failed the way an operator can act on: non-zero, a message, no stack, no output. */
export function expectCleanFailure(result: RunResult, message: RegExp): void {
  expect(result.code, `exit code; stderr: ${result.stderr}`).not.toBe(0);
  expect(result.code, 'killed by timeout instead of exiting').not.toBeNull();
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(STACK_LINE);
}

/** The environment without any Gatehouse setting of the caller's shell, plus `vars`. */
export function envWith(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['PORT', 'HOST', 'LOG_LEVEL', 'NODE_OPTIONS']) delete env[key];
  for (const key of Object.keys(env)) if (key.startsWith('GATEHOUSE_')) delete env[key];
  return { ...env, ...vars };
}

// ---------------------------------------------------------------------------------------------
// Reading the mail the server wrote.

/** What `gatehouse mail last --json` prints: the CLI prints lastMail()'s object as it is. */
export type { ReadMail };

/**
 * Polls `mail last --to` until the worker has written a mail to `to` (it should within a second;
 * the bound is for a loaded machine, where each CLI run alone takes seconds).
 */
export async function waitForMail(env: NodeJS.ProcessEnv, to: string): Promise<ReadMail> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const result = await run(process.execPath, [BIN, 'mail', 'last', '--to', to, '--json'], env);
    if (result.code === 0) {
      expect(result.stdout.trim().split('\n')).toHaveLength(1);
      return JSON.parse(result.stdout) as ReadMail;
    }
    if (Date.now() > deadline) throw new Error(`no mail to ${to} within 30 s: ${result.stderr}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

// ---------------------------------------------------------------------------------------------
// Running the server.

/** The start-up summary `serve --json` prints as its first stdout line. */
export interface Summary {
  url: string;
  database: string;
  created?: { instanceId: string; orgId: string; tokenId: string; token: string };
}

export interface Server {
  child: ChildProcess;
  /** The first stdout line, as printed. */
  firstLine: string;
  summary: Summary;
  stdout(): string;
  stderr(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Spawns `serve --json` with stdout and stderr piped; the child is tracked until it exits, for killAll(). */
export function spawnServe(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [BIN, 'serve', '--json'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  // Its log (stderr) is shown only when a test fails (test/setup.ts).
  let log = '';
  child.stderr!.on('data', (chunk: Buffer | string) => (log += chunk.toString()));
  const untrack = trackServerLog(`gatehouse serve (pid ${child.pid})`, () => log);
  child.once('exit', () => {
    running.delete(child);
    untrack();
  });
  return child;
}

/** SIGKILLs every server child that is still running (for afterAll). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
}

function isSummary(value: unknown): value is Summary {
  return typeof value === 'object' && value !== null && typeof (value as { url?: unknown }).url === 'string';
}

/**
 * Starts `serve --json`; resolves once its first stdout line, the start-up summary, is complete.
 * Logs go to stderr, so a first line that is not the summary fails the start.
 */
export function serve(env: NodeJS.ProcessEnv): Promise<Server> {
  return new Promise((done, fail) => {
    const child = spawnServe(env);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    let out = '';
    let err = '';
    let settled = false;
    const finish = (error: Error | null, firstLine?: string, summary?: Summary) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        return fail(error);
      }
      done({
        child,
        firstLine: firstLine!,
        summary: summary!,
        stdout: () => out,
        stderr: () => err,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5000).unref());
          const code = await Promise.race([exited, timeout]);
          if (code === 'timeout') {
            child.kill('SIGKILL');
            throw new Error('serve did not exit within 5 s of SIGTERM');
          }
          return code;
        },
      });
    };
    // A bound, not a wait: the summary comes in well under a second, or seconds on a loaded machine.
    const timer = setTimeout(() => finish(new Error(`serve printed no summary in 30 s; stderr: ${err}`)), 30_000);
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end === -1) return;
      const firstLine = out.slice(0, end);
      let parsed: unknown;
      try {
        parsed = JSON.parse(firstLine);
      } catch {
        parsed = undefined;
      }
      if (isSummary(parsed)) finish(null, firstLine, parsed);
      else finish(new Error(`the first stdout line of serve --json is not its summary: ${firstLine}`));
    });
    child.stderr!.on('data', (chunk: string) => (err += chunk));
    void exited.then((code) => finish(new Error(`serve exited with ${code} before its summary; stderr: ${err}`)));
  });
}
