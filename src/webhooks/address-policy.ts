import { BlockList, isIP } from 'node:net';

/**
 * Which addresses webhooks may call. By default none that reach the server's own network:
 * loopback, private, shared, link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254
 * included), documentation, multicast and reserved ranges. GATEHOUSE_WEBHOOK_ALLOW_PRIVATE
 * lifts the rule for everything (`true`) or for listed CIDRs.
 */
export interface AddressPolicy {
  allowAll: boolean;
  allowed: BlockList;
}

const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24], ['203.0.113.0', 24],
  ['224.0.0.0', 4], ['240.0.0.0', 4],
];
const BLOCKED_V6: Array<[string, number]> = [
  ['::', 128], ['::1', 128], ['::', 96], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
];
const BLOCKED = new BlockList();
// IPv4 rules also match IPv4-mapped IPv6 addresses (::ffff:127.0.0.1), which BlockList checks by their IPv4 part.
for (const [net, bits] of BLOCKED_V4) BLOCKED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of BLOCKED_V6) BLOCKED.addSubnet(net, bits, 'ipv6');

const ENV = 'GATEHOUSE_WEBHOOK_ALLOW_PRIVATE';

export function parseAllowPrivate(setting: string | undefined): { policy: AddressPolicy } | { problem: string } {
  const allowed = new BlockList();
  if (setting === undefined || setting === '' || setting === 'false') return { policy: { allowAll: false, allowed } };
  if (setting === 'true') return { policy: { allowAll: true, allowed } };
  for (const entry of setting.split(',').map((e) => e.trim())) {
    const [address, bits, ...rest] = entry.split('/');
    const version = isIP(address);
    const prefix = bits === undefined ? (version === 4 ? 32 : 128) : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
    if (version === 0 || rest.length > 0 || !(prefix <= (version === 4 ? 32 : 128))) {
      return { problem: `${ENV} must be true, false or a comma-separated list of addresses and CIDRs; "${entry}" is neither` };
    }
    allowed.addSubnet(address, prefix, version === 4 ? 'ipv4' : 'ipv6');
  }
  return { policy: { allowAll: false, allowed } };
}

const family = (address: string) => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

export function isBlockedAddress(address: string, policy: AddressPolicy): boolean {
  if (policy.allowAll) return false;
  const plain = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (isIP(plain) === 0) return true;
  return BLOCKED.check(plain, family(plain)) && !policy.allowed.check(plain, family(plain));
}

/** The message for a refused address; it names the setting that would allow it. */
export const refusedAddress = (address: string) => `Webhook URL points at a private, loopback or link-local address (${address}); set ${ENV} to allow it`;

/**
 * Why a URL may not be an endpoint, or null: checked when an endpoint is saved. Names are
 * checked again, on the address actually connected to, at every delivery (post.ts).
 */
export function checkWebhookUrl(text: string, policy: AddressPolicy): string | null {
  if (text.length > 2048) return 'Webhook URL must be at most 2048 characters';
  const url = URL.parse(text);
  if (!url) return 'Webhook URL must be an absolute http or https URL';
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Webhook URL must use http or https';
  if (url.username || url.password) return 'Webhook URL must not hold a user name or password: deliveries are signed instead';
  // WHATWG parsing has already turned 2130706433 and 0x7f.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host) !== 0) return isBlockedAddress(host, policy) ? refusedAddress(host) : null;
  if ((host === 'localhost' || host.endsWith('.localhost')) && isBlockedAddress('127.0.0.1', policy)) return refusedAddress(host);
  return null;
}
