/**
 * Pieces shared by the load tests that drive a real `gatehouse serve` child over real HTTP
 * (test/e2e/crash.test.ts, test/e2e/soak.test.ts): the environment, one bounded JSON request,
 * the invite links the file transport wrote, and the resident memory of a process.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEml } from '../../src/mail/eml.js';
import { envWith } from './cli.js';

/** `serve` on a SQLite file with file mail, and no rate limit or lockout: the load is the point. */
export function loadEnv(database: string, mailFolder: string): NodeJS.ProcessEnv {
  return envWith({
    PORT: '0',
    HOST: '127.0.0.1',
    GATEHOUSE_DATABASE: database,
    GATEHOUSE_MAIL: `file:${mailFolder}`,
    GATEHOUSE_RATE_LIMIT_ADDRESS: 'off',
    GATEHOUSE_RATE_LIMIT_EMAIL: 'off',
    GATEHOUSE_LOCKOUT: 'off',
    GATEHOUSE_RATE_LIMIT_TOKEN: 'off',
    LOG_LEVEL: 'warn',
  });
}

export interface Answer {
  status: number;
  body: Record<string, any>;
  ms: number;
}

/**
 * One request with a JSON body and a bounded wait. Resolves with any HTTP answer (whose body
 * must be JSON); rejects when there is none (connection refused or reset, timeout).
 */
export async function call(url: string, method: string, options: { token?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Answer> {
  const started = performance.now();
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  let body: Record<string, any>;
  try {
    body = JSON.parse(text) as Record<string, any>;
  } catch {
    throw new Error(`${method} ${url} answered ${res.status} with a body that is not JSON: ${text.slice(0, 300)}`);
  }
  return { status: res.status, body, ms: performance.now() - started };
}

/** Why a request got no HTTP answer, e.g. "TypeError: fetch failed (UND_ERR_SOCKET: other side closed)". */
export function describeFailure(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  return `${e.name}: ${e.message}${e.cause ? ` (${e.cause.code ?? ''}: ${e.cause.message ?? ''})` : ''}`;
}

/** An invitation link the server mailed: the token and email an accept or reject needs. */
export interface Link {
  file: string;
  email: string;
  token: string;
}

/**
 * The invitation links in a file-transport mail folder, read as they arrive. Each .eml file
 * is read once (a retry after a crash rewrites the same file name with the same link).
 */
export class MailLinks {
  private readonly seen = new Set<string>();
  private readonly fresh: Link[] = [];
  constructor(private readonly folder: string) {}

  /** Reads the files that appeared since the last scan; returns how many links were new. */
  async scan(): Promise<number> {
    if (!existsSync(this.folder)) return 0;
    // Read at once and parsed after: a scan still parsing when a test ends and removes the
    // folder reads nothing more from it.
    const files = readdirSync(this.folder)
      .filter((name) => name.endsWith('.eml') && !this.seen.has(name))
      .map((name) => (this.seen.add(name), { name, eml: readFileSync(join(this.folder, name)) }));
    let added = 0;
    for (const { name, eml } of files) {
      const { link } = await parseEml(name, eml);
      if (!link) continue;
      const url = new URL(link);
      this.fresh.push({ file: name, email: url.searchParams.get('email')!, token: url.searchParams.get('token')! });
      added++;
    }
    return added;
  }

  /** A link not handed out before (the oldest one first), or undefined when none is left. */
  take(): Link | undefined {
    return this.fresh.shift();
  }

  get files(): number {
    return this.seen.size;
  }
}

/** The resident set size of a running process in bytes (Linux: VmRSS of /proc/<pid>/status). */
export function rssBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** The p-th percentile (0-100) of some numbers, nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
