import { GatehouseError, GatehouseNetworkError } from './errors.js';

export interface ClientOptions {
  /** Base URL of the Gatehouse server, e.g. `https://gatehouse.example.com`. */
  url: string;
  /** An API token (`gh_…`); the public invite calls need none. */
  accessToken?: string;
  /** Milliseconds before a call gives up with a GatehouseNetworkError (`timedOut`); default 30 s. */
  timeout?: number;
  /** A fetch implementation; default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Headers sent with every call besides the client's own (the CLI names itself with `x-gatehouse-via: cli`). */
  headers?: Record<string, string>;
  /**
   * Extra attempts of a call answered 429 or 503, or cut off before its answer; default 2.
   * Writes are retried too: each carries an `Idempotency-Key`, the same on every attempt, so
   * the server does it once.
   */
  retries?: number;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  timeout?: number;
  /**
   * The `Idempotency-Key` of a write (POST, PATCH, DELETE); default: a new UUID per call. Give
   * your own to make a call safe to repeat across restarts of your program: the server answers
   * a repeat with the first answer (for 24 hours).
   * @example
   * await client.instanceOrgInvites.post({ instanceId, orgId, invite }, { idempotencyKey: `invite-${userId}` });
   */
  idempotencyKey?: string;
}

export type Callback<T> = (error: Error | null, result?: T) => void;

/** How one action maps its params object onto the HTTP request. */
export interface ActionSpec {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path with `{name}` placeholders filled from params. */
  path: string;
  query?: readonly string[];
  /** The params property sent as the JSON body. */
  body?: string;
}

const RETRIABLE = new Set([429, 503]);
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(new GatehouseNetworkError('The call was aborted', false, true));
    });
  });

function retryAfterMs(header: string | null, attempt: number): number {
  const seconds = header !== null ? Number(header) : NaN;
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 60) * 1000;
  return 200 * 2 ** attempt;
}

/** A UUID where the platform has one (Node.js, browsers in a secure context), else random hex. */
const newKey = () =>
  globalThis.crypto?.randomUUID?.() ?? Array.from({ length: 32 }, () => Math.floor(Math.random() * 16).toString(16)).join('');

/** Builds the URL, headers and body of an action from its params object. */
function build(options: ClientOptions, spec: ActionSpec, params: Record<string, unknown>, call: CallOptions) {
  const path = spec.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined || value === null) throw new TypeError(`Missing required parameter ${name}`);
    return encodeURIComponent(String(value));
  });
  const url = new URL(path.replace(/^\//, ''), options.url.endsWith('/') ? options.url : `${options.url}/`);
  for (const name of spec.query ?? []) {
    if (params[name] !== undefined) url.searchParams.set(name, String(params[name]));
  }
  const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
  if (options.accessToken) headers.authorization = `Bearer ${options.accessToken}`;
  if (typeof params.losantdomain === 'string') headers.losantdomain = params.losantdomain;
  if (spec.method !== 'GET') headers['idempotency-key'] = call.idempotencyKey ?? newKey();
  let body: string | undefined;
  if (spec.body) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(params[spec.body] ?? {});
  }
  return { url, headers, body };
}

async function attempt(options: ClientOptions, spec: ActionSpec, request: ReturnType<typeof build>, call: CallOptions) {
  const timeout = call.timeout ?? options.timeout ?? 30_000;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  const onAbort = () => controller.abort();
  call.signal?.addEventListener('abort', onAbort);
  try {
    const fetcher = options.fetch ?? globalThis.fetch;
    const response = await fetcher(request.url, { method: spec.method, headers: request.headers, body: request.body, signal: controller.signal });
    const text = await response.text();
    return { response, text };
  } catch (error) {
    if (call.signal?.aborted) throw new GatehouseNetworkError('The call was aborted', false, true, { cause: error });
    if (controller.signal.aborted) throw new GatehouseNetworkError(`No answer within ${timeout} ms`, true, false, { cause: error });
    throw new GatehouseNetworkError(`Could not reach ${options.url}: ${(error as Error).message}`, false, false, { cause: error });
  } finally {
    clearTimeout(timer);
    call.signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Performs an action and resolves with the parsed answer. Non-2xx answers reject with a
 * GatehouseError. A call answered 429 or 503 (honouring Retry-After), or 409
 * `idempotency_key_in_flight`, or cut off by the network, is tried again: writes carry one
 * `Idempotency-Key` for all their attempts, so a write whose answer was lost is not done twice.
 * A call that timed out or was aborted is not.
 */
export async function perform<T>(options: ClientOptions, spec: ActionSpec, params: Record<string, unknown>, call: CallOptions = {}): Promise<T> {
  const request = build(options, spec, params, call);
  const retries = options.retries ?? 2;
  for (let n = 0; ; n++) {
    let answer: Awaited<ReturnType<typeof attempt>>;
    try {
      answer = await attempt(options, spec, request, call);
    } catch (error) {
      const cut = error instanceof GatehouseNetworkError && !error.timedOut && !error.aborted;
      if (!cut || n >= retries) throw error;
      await sleep(retryAfterMs(null, n), call.signal);
      continue;
    }
    const { response, text } = answer;
    let body: { type?: string; message?: string; code?: string; field?: unknown } | undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok) return body as T;
    const retryAfter = response.headers.get('retry-after');
    if ((RETRIABLE.has(response.status) || body?.code === 'idempotency_key_in_flight') && n < retries) {
      await sleep(retryAfterMs(retryAfter, n), call.signal);
      continue;
    }
    throw new GatehouseError(
      response.status,
      body?.type ?? 'Error',
      body?.message ?? `HTTP ${response.status}`,
      // An answer not from Gatehouse (a proxy's error page) has no code of its own.
      typeof body?.code === 'string' ? body.code : 'unknown',
      retryAfter !== null && Number.isFinite(Number(retryAfter)) ? Number(retryAfter) : undefined,
      typeof body?.field === 'string' ? body.field : undefined,
    );
  }
}

/** Lets a method be used with a promise, or with a node-style callback as its last argument. */
export function dual<T>(run: (call: CallOptions) => Promise<T>, optionsOrCallback?: CallOptions | Callback<T>, callback?: Callback<T>): Promise<T> | undefined {
  const cb = typeof optionsOrCallback === 'function' ? optionsOrCallback : callback;
  const call = typeof optionsOrCallback === 'object' ? optionsOrCallback : {};
  const promise = run(call);
  if (!cb) return promise;
  promise.then(
    (result) => setTimeout(() => cb(null, result), 0),
    (error: Error) => setTimeout(() => cb(error), 0),
  );
  return undefined;
}
