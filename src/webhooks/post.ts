/**
 * One webhook request: POST a body, bring back what happened as data. Network trouble is an
 * outcome, never an exception, so that the caller records it and schedules a retry.
 *
 * node:http and node:https rather than fetch: Node 20's fetch takes no custom DNS lookup (the
 * address check must run on the address actually connected to, or DNS rebinding walks past
 * it) and follows redirects (a public receiver could answer 302 to http://169.254.169.254/).
 */
import { lookup as dnsLookup } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import { hostOf, isBlockedAddress, type AddressPolicy } from './address-policy.js';

export interface PostOutcome {
  /** The answer's status; null when there was no complete answer (see `error`). */
  status: number | null;
  durationMs: number;
  /** The start of the answer's body as one line of text, for the delivery log. */
  excerpt: string;
  /** What the answer's Retry-After asks for, capped at 24 h; null when absent or unreadable. */
  retryAfterMs: number | null;
  /** Why there is no status, in a few words; null when there is one. Never holds the URL's query. */
  error: string | null;
}

export interface PostOptions {
  /** For the whole exchange: DNS, connecting, sending, the answer's headers and its body. */
  timeoutMs: number;
  policy: AddressPolicy;
  /** Characters of the answer kept in `excerpt`; 200 unless told. */
  maxExcerpt?: number;
}

/** Of an answer's body no more is read: the excerpt needs a few hundred bytes, and a receiver should not be able to make us buffer gigabytes. */
const MAX_ANSWER_BYTES = 64 * 1024;
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

/**
 * Keep-alive agents shared by every delivery: a TLS handshake per request would cap the rate
 * well below what a receiver can take. Each new socket still goes through the request's
 * `lookup`, and a reused one is checked again (see `verifyPeer`).
 */
const AGENTS = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 50 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 50 }),
};

class RefusedAddress extends Error {
  constructor(address: string) {
    super(`address ${address} is private or loopback (refused)`);
    this.name = 'RefusedAddress';
  }
}

/** A DNS lookup that fails when any address of the name is blocked, not just the first: the connection may try them all. */
function guardedLookup(policy: AddressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const blocked = addresses.find((a) => isBlockedAddress(a.address, policy));
      if (blocked) return callback(new RefusedAddress(blocked.address), '');
      // Node 20 asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily), else for one.
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0].address, addresses[0].family);
    });
  };
}

/**
 * Defence in depth, on the address actually connected to: the lookup above covers new sockets,
 * this covers a kept-alive socket reused under a stricter policy, and anything that connects
 * without the lookup. Prepended, so that it runs before the socket flushes the request.
 */
function verifyPeer(req: http.ClientRequest, socket: Socket, policy: AddressPolicy): void {
  const verify = () => {
    const remote = socket.remoteAddress;
    if (remote === undefined) req.destroy(new Error('could not tell which address the connection reached (refused)'));
    else if (isBlockedAddress(remote, policy)) req.destroy(new RefusedAddress(remote));
  };
  if (socket.connecting) socket.prependOnceListener('connect', verify);
  else verify();
}

const MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
};

/** A few words for an error; Node's own messages name addresses and ports at most, never a path. */
function describe(err: NodeJS.ErrnoException, host: string): string {
  if (err instanceof RefusedAddress) return err.message;
  const code = err.code ?? '';
  if (code === 'ENOTFOUND') return `host ${host} not found`;
  if (code in MESSAGES) return MESSAGES[code];
  if (code.startsWith('HPE_')) return `invalid HTTP answer (${code})`;
  if (code.includes('CERT') || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')) return `TLS: ${err.message}`;
  return err.message || code || 'request failed';
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The first `max` characters of an answer, on one line: control characters become spaces. */
export function excerptOf(bytes: Buffer, max: number): string {
  // A character takes at most 4 bytes in UTF-8, so no more needs decoding.
  const text = bytes.subarray(0, max * 4).toString('utf8');
  return Array.from(text).slice(0, max).join('').replace(/\p{Cc}/gu, ' ');
}

/** Retry-After in milliseconds: delay-seconds or an HTTP-date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  const text = value?.trim() ?? '';
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS);
  // Date.parse reads "2" or "1 2" as dates too; an HTTP-date always names its month.
  if (!/[a-z]{3}/i.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(at - now, 0), MAX_RETRY_AFTER_MS);
}

/**
 * POSTs `body` to `url` with `headers` and resolves with what happened; rejects never.
 * Redirects are not followed (a 3xx is an outcome like any other). An answer that is not
 * complete by the deadline, or is cut off by the receiver, counts as no answer (`status` null):
 * the delivery is retried, and receivers deduplicate on webhook-id. An answer longer than
 * 64 KiB is read that far and no further, and keeps its status.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, options: PostOptions): Promise<PostOutcome> {
  const started = performance.now();
  const { timeoutMs, policy, maxExcerpt = 200 } = options;
  const failed = (error: string): Promise<PostOutcome> =>
    Promise.resolve({ status: null, durationMs: performance.now() - started, excerpt: '', retryAfterMs: null, error });

  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return failed('invalid URL');
  }
  const protocol = target.protocol;
  if (protocol !== 'http:' && protocol !== 'https:') return failed(`unsupported scheme ${protocol}`);
  const host = hostOf(target);
  // Node connects to an IP literal without calling `lookup`: this is its check.
  if (isIP(host) !== 0 && isBlockedAddress(host, policy)) return failed(new RefusedAddress(host).message);

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let status: number | null = null;
    let retryAfterMs: number | null = null;
    let settled = false;
    const finish = (error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      const excerpt = excerptOf(Buffer.concat(chunks), maxExcerpt);
      resolve({ status: error === null ? status : null, durationMs: performance.now() - started, excerpt, retryAfterMs, error });
    };

    let req: http.ClientRequest;
    try {
      req = (protocol === 'https:' ? https : http).request({
        protocol,
        hostname: host,
        port: target.port === '' ? undefined : Number(target.port),
        path: target.pathname + target.search,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: AGENTS[protocol],
        lookup: guardedLookup(policy),
      });
    } catch (err) {
      // Only a bad header name or value gets here (Node checks them up front): a bug upstream, recorded like any failure.
      resolve({ status: null, durationMs: performance.now() - started, excerpt: '', retryAfterMs: null, error: `invalid request: ${(err as Error).message}` });
      return;
    }

    // One timer for everything, so that a receiver trickling its answer a byte at a time is cut off too.
    const deadline = setTimeout(() => {
      finish(`timed out after ${seconds(timeoutMs)}${status === null ? '' : ' reading the answer'}`);
      req.destroy();
    }, timeoutMs);

    req.on('socket', (socket: Socket) => verifyPeer(req, socket, policy));
    req.on('error', (err) => finish(describe(err, host)));
    req.on('close', () => {
      if (status === null) finish('connection closed without an answer');
    });
    req.on('response', (res) => {
      status = res.statusCode ?? null;
      retryAfterMs = parseRetryAfter(res.headers['retry-after']);
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = MAX_ANSWER_BYTES - received;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        received += Math.min(chunk.length, room);
        if (received >= MAX_ANSWER_BYTES) {
          finish(null);
          // The rest is not wanted; the socket goes rather than back to the pool with unread bytes.
          res.destroy();
        }
      });
      res.on('end', () => finish(null));
      res.on('error', (err) => finish(describe(err, host)));
      res.on('close', () => finish(res.complete ? null : 'connection closed before the answer was complete'));
    });
    req.end(body);
  });
}
