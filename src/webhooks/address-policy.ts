/**
 * Server-side request forgery protection for webhook endpoints: an endpoint URL is chosen by
 * a tenant, and without this a delivery could be aimed at the cloud metadata service
 * (169.254.169.254), the database next door or the admin port on loopback. The same check runs
 * when an endpoint is saved (checkWebhookUrl, a friendly early answer) and on every connection
 * a delivery makes (post.ts, the check that matters, since DNS can change in between).
 */
import { BlockList, isIP } from 'node:net';

const ENV = 'GATEHOUSE_WEBHOOK_ALLOW_PRIVATE';

/**
 * Which private addresses a delivery may reach. Build it with parseAllowPrivate; the default
 * refuses every address in BLOCKED.
 */
export interface AddressPolicy {
  /** `GATEHOUSE_WEBHOOK_ALLOW_PRIVATE=true`: nothing is refused (a test rig, a closed network). */
  readonly allowAll: boolean;
  /** Blocked addresses allowed anyway: the entries of the setting's list. */
  readonly exceptions: BlockList;
}

/** Special-purpose ranges (IANA registries, RFC 6890): none is a public webhook receiver. */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, with the cloud metadata service at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, 255.255.255.255 included
];
const BLOCKED_V6: [string, number][] = [
  // ::/128 (unspecified) and ::1/128 (loopback) are inside it, listed for the reader.
  ['::', 128],
  ['::1', 128],
  ['::', 96], // IPv4-compatible (deprecated), ::127.0.0.1
  // No ::ffff:0:0/96 rule: BlockList matches IPv4 rules against IPv4-mapped addresses
  // (::ffff:127.0.0.1 is caught by 127.0.0.0/8), and it matches IPv6 rules against plain
  // IPv4 addresses as if mapped, so that rule would block every IPv4 address.
  ['64:ff9b::', 96], // NAT64: the embedded IPv4 address could be anything
  ['64:ff9b:1::', 48], // NAT64, local use (RFC 8215)
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, fd00:ec2::254 (the AWS metadata service over IPv6) included
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
];

const BLOCKED = new BlockList();
for (const [network, prefix] of BLOCKED_V4) BLOCKED.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of BLOCKED_V6) BLOCKED.addSubnet(network, prefix, 'ipv6');

/** Refuses every blocked address: what an unset GATEHOUSE_WEBHOOK_ALLOW_PRIVATE means. */
export const DEFAULT_ADDRESS_POLICY: AddressPolicy = Object.freeze({ allowAll: false, exceptions: new BlockList() });

/** Adds `address` or `address/prefix` to `list`; false when it is neither. */
function addEntry(list: BlockList, entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const version = address.includes('%') ? 0 : isIP(address);
  if (version === 0 || rest.length > 0) return false;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (prefix === undefined) {
    list.addAddress(address, family);
    return true;
  }
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (version === 4 ? 32 : 128)) return false;
  list.addSubnet(address, Number(prefix), family);
  return true;
}

/**
 * Reads GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: unset, empty or `false` refuses private addresses,
 * `true` allows everything, and a comma-separated list of addresses and CIDRs (IPv4 or IPv6,
 * like `10.0.0.0/8,127.0.0.1`) allows those despite being private.
 */
export function parseAllowPrivate(setting: string | undefined): { policy: AddressPolicy } | { problem: string } {
  const text = setting?.trim() ?? '';
  if (text === '' || text.toLowerCase() === 'false') return { policy: DEFAULT_ADDRESS_POLICY };
  if (text.toLowerCase() === 'true') return { policy: { allowAll: true, exceptions: new BlockList() } };
  const exceptions = new BlockList();
  const bad = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '' && !addEntry(exceptions, entry));
  if (bad.length > 0) {
    const named = bad.map((entry) => `"${entry}"`).join(', ');
    return { problem: `${ENV} must be true, false or a comma-separated list of addresses and CIDRs (like 10.0.0.0/8,127.0.0.1); ${named} ${bad.length === 1 ? 'is' : 'are'} neither` };
  }
  return { policy: { allowAll: false, exceptions } };
}

/**
 * Whether a delivery must not connect to `address` (IPv4 or IPv6, brackets and zone id
 * tolerated). Anything that is not an address is blocked: failing closed is the point.
 */
export function isBlockedAddress(address: string, policy: AddressPolicy): boolean {
  let bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  // BlockList answers false for "fe80::1%eth0": the zone says which interface, not which address.
  const zone = bare.indexOf('%');
  if (zone !== -1) bare = bare.slice(0, zone);
  const version = isIP(bare);
  if (version === 0) return true;
  if (policy.allowAll) return false;
  // The family must be passed: check('::ffff:127.0.0.1') alone reads it as IPv4, invalid, false.
  const family = version === 4 ? 'ipv4' : 'ipv6';
  return BLOCKED.check(bare, family) && !policy.exceptions.check(bare, family);
}

const MAX_URL_LENGTH = 2048;

/**
 * Checks an endpoint URL when it is created or updated: null when acceptable, else a message
 * for the person who typed it. A host name is not resolved here (a name that resolves to a
 * private address is refused when a delivery connects), but IP literals are, in every form the
 * WHATWG parser accepts: it turns `http://0x7f.1/` and `http://2130706433/` into 127.0.0.1.
 */
export function checkWebhookUrl(url: string, policy: AddressPolicy): string | null {
  if (url.length > MAX_URL_LENGTH) return `Webhook URL must be at most ${MAX_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Webhook URL must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'Webhook URL must use http or https';
  // Credentials in a URL end up in logs and in the console; a receiver can put a token in the path or query instead.
  if (parsed.username !== '' || parsed.password !== '') return 'Webhook URL must not contain a user name or password';
  const host = hostOf(parsed);
  const allow = `set ${ENV} to allow it`;
  if (isIP(host) !== 0) {
    return isBlockedAddress(host, policy) ? `Webhook URL points at a private or loopback address (${host}); ${allow}` : null;
  }
  // Resolvers may answer *.localhost with loopback without asking DNS (RFC 6761); the
  // trailing dot of a fully qualified name changes nothing.
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  const loopbackAllowed = !isBlockedAddress('127.0.0.1', policy) || !isBlockedAddress('::1', policy);
  if ((name === 'localhost' || name.endsWith('.localhost')) && !loopbackAllowed) return `Webhook URL points at localhost; ${allow}`;
  return null;
}

/** The host of a parsed URL as net and dns take it: `[::1]` becomes `::1`. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}
