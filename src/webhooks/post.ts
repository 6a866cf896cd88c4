import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { type AddressPolicy, isBlockedAddress } from './address-policy.js';

/** What came of one POST: the status (null when no answer came), how long it took, the start of the answer. */
export interface PostOutcome {
  status: number | null;
  durationMs: number;
  excerpt: string;
  retryAfterMs: number | null;
  error: string | null;
}

/** The most of an answer that is read; the rest is not waited for. */
const MAX_BODY = 64 * 1024;
const DAY_MS = 24 * 3600_000;

// Keep-alive sockets, so that a busy endpoint is not paid a TCP (and TLS) handshake per event.
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 50 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 50 }) };

class Refused extends Error {}

/**
 * Resolves like dns.lookup, but fails when any address of the name is one the policy
 * refuses: a name that resolves to 127.0.0.1 is refused as 127.0.0.1 is.
 */
const guardedLookup = (policy: AddressPolicy): LookupFunction => (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const blocked = addresses.find((a) => isBlockedAddress(a.address, policy));
    if (blocked) return callback(new Refused(`address ${blocked.address} is private, loopback or link-local (refused)`), '', 0);
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

/**
 * POSTs one delivery. Never throws: a refused address, a failed lookup, a refused connection
 * or the deadline each come back as an outcome without a status. Redirects are answers, not
 * followed. The deadline covers everything, so an endpoint that trickles its answer is cut.
 * Errors never carry the URL, whose query string may hold a receiver's secret.
 */
export function postWebhook(target: string, headers: Record<string, string>, body: string, options: { timeoutMs: number; policy: AddressPolicy; maxExcerpt?: number }): Promise<PostOutcome> {
  const started = performance.now();
  const done = (status: number | null, rest: Partial<PostOutcome>): PostOutcome => ({
    status,
    durationMs: Math.round(performance.now() - started),
    excerpt: '',
    retryAfterMs: null,
    error: null,
    ...rest,
  });
  return new Promise((resolve) => {
    const url = URL.parse(target);
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return resolve(done(null, { error: 'not an http(s) URL' }));
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Node skips the lookup for an address literal: check it here.
    if (isIP(host) !== 0 && isBlockedAddress(host, options.policy)) return resolve(done(null, { error: `address ${host} is private, loopback or link-local (refused)` }));
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      resolve(outcome);
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      agent: agents[url.protocol],
      lookup: guardedLookup(options.policy),
    });
    const deadline = setTimeout(() => {
      req.destroy();
      finish(done(null, { error: `timed out after ${options.timeoutMs / 1000} s` }));
    }, options.timeoutMs);
    req.on('socket', (socket) => {
      // Defence in depth: whatever resolved, the address connected to must be allowed too.
      const check = () => {
        if (socket.remoteAddress && isBlockedAddress(socket.remoteAddress, options.policy)) {
          finish(done(null, { error: `address ${socket.remoteAddress} is private, loopback or link-local (refused)` }));
          req.destroy();
        }
      };
      if (socket.remoteAddress) check();
      else socket.once('connect', check);
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(done(null, { error: describe(error) })));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const answer = () => {
        const text = Buffer.concat(chunks).toString('utf8').slice(0, options.maxExcerpt ?? 200);
        // eslint-disable-next-line no-control-regex
        finish(done(res.statusCode ?? null, { excerpt: text.replace(/[\u0000-\u001f\u007f]/g, ' '), retryAfterMs: retryAfter(res.headers['retry-after']) }));
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY) {
          answer();
          res.destroy();
        }
      });
      res.on('end', answer);
      res.on('error', answer);
    });
    req.end(body);
  });
}

function describe(error: NodeJS.ErrnoException): string {
  if (error instanceof Refused) return error.message;
  switch (error.code) {
    case 'ECONNREFUSED': return 'connection refused';
    case 'ECONNRESET': return 'connection reset';
    case 'ENOTFOUND': case 'EAI_AGAIN': return 'the host name did not resolve';
    case 'EHOSTUNREACH': case 'ENETUNREACH': return 'host unreachable';
    default: return error.code ? `request failed (${error.code})` : 'request failed';
  }
}

/** Retry-After in seconds or as an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfter(header: string | string[] | undefined): number | null {
  if (typeof header !== 'string') return null;
  const ms = /^\d+$/.test(header.trim()) ? Number(header.trim()) * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? Math.min(ms, DAY_MS) : null;
}
