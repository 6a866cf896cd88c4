import type { Server } from 'node:http';
import { BlockList, isIPv4, type Socket } from 'node:net';

/**
 * How long a client may take and how many sockets one address may hold. Without them a few
 * hundred sockets that send a body byte every few seconds hold the process's descriptors for
 * ever and every other client is refused.
 */
export interface ConnectionLimits {
  /** The whole request, headers and body, from its first byte. */
  requestTimeoutMs: number;
  /** The request line and headers, from their first byte (and a new socket's silence before it). */
  headersTimeoutMs: number;
  /** An idle socket between two requests. */
  keepAliveTimeoutMs: number;
  /** Open sockets per peer address; null: no cap. */
  maxPerAddress: number | null;
}

/**
 * Node checks the two request timeouts on a timer, every 30 s by default: a 10 s limit could
 * then hold for 40 s. Once a second is a walk over the open connections, cheap at any count
 * the per-address cap and the descriptor limit allow.
 */
const CHECK_EVERY_MS = 1000;

/** Fastify's server options for the limits. */
export function serverOptions(limits: ConnectionLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // Socket inactivity: also cuts a client that stops reading its answer (whose request is
    // over, so neither request timeout applies). Nothing legitimate is silent that long.
    connectionTimeout: limits.requestTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, connectionsCheckingInterval: CHECK_EVERY_MS },
  };
}

/** `::ffff:10.0.0.1` (an IPv4 client of a dual-stack listener) counts as `10.0.0.1`. */
const plainAddress = (address: string) => (address.startsWith('::ffff:') && isIPv4(address.slice(7)) ? address.slice(7) : address);

/**
 * The peers exempt from the cap: the trusted proxies. A socket only knows its peer: behind a
 * proxy that is the proxy, whose connections carry many clients, so capping it would refuse
 * them all; the proxy must limit its own clients. `true` trusts every peer, so no socket is
 * capped (X-Forwarded-For is then believed from anyone: the service must be reachable only
 * through the proxy).
 */
function exemptPeers(trustProxy: boolean | string): (address: string) => boolean {
  if (trustProxy === true) return () => true;
  if (trustProxy === false) return () => false;
  const list = new BlockList();
  for (const entry of trustProxy.split(',')) {
    const [address, bits] = plainAddress(entry.trim()).split('/');
    const type = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return (address) => list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
}

/**
 * Refuses, by closing it at once, a new socket from a peer address that already holds `max`
 * open ones. Counted per process; IPv6 peers per address (not per /64).
 */
export function capConnectionsPerAddress(server: Server, max: number, trustProxy: boolean | string): void {
  const exempt = exemptPeers(trustProxy);
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    if (socket.remoteAddress === undefined) return; // already gone
    const address = plainAddress(socket.remoteAddress);
    if (exempt(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = open.get(address)! - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
