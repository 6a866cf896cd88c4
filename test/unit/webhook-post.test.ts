import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWebhookUrl, DEFAULT_ADDRESS_POLICY, isBlockedAddress, parseAllowPrivate, type AddressPolicy } from '../../src/webhooks/address-policy.js';
import { parseRetryAfter, postWebhook } from '../../src/webhooks/post.js';
import { webhookHeaders } from '../../src/webhooks/signature.js';
import { newWebhookSecret } from '../../src/domain/secrets.js';

function policyOf(setting: string): AddressPolicy {
  const parsed = parseAllowPrivate(setting);
  if (!('policy' in parsed)) throw new Error(parsed.problem);
  return parsed.policy;
}
const ALLOW_ALL = policyOf('true');

interface Receiver {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  requests: { url: string; headers: http.IncomingHttpHeaders; body: string }[];
  connections: number;
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
});

/** A real server on a random loopback port; `answer` gets each request once its body is in. */
async function receiver(answer: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Receiver> {
  const state: Receiver = { origin: '', port: 0, requests: [], connections: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      state.requests.push({ url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(req, res);
    });
  });
  server.on('connection', () => state.connections++);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  state.port = (server.address() as AddressInfo).port;
  state.origin = `http://127.0.0.1:${state.port}`;
  return state;
}

const body = JSON.stringify({ type: 'member.added', data: { id: 'm1' } });
const secret = newWebhookSecret();
const headers = () => webhookHeaders([secret], 'msg_1', Math.floor(Date.now() / 1000), body);

describe('postWebhook', () => {
  it('delivers a signed request that the standardwebhooks library verifies at the receiver', async () => {
    const server = await receiver((_, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks!'));
    const outcome = await postWebhook(`${server.origin}/hooks/in?tenant=t1`, headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL });
    expect(outcome).toMatchObject({ status: 200, excerpt: 'thanks!', retryAfterMs: null, error: null });
    expect(outcome.durationMs).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
    const [got] = server.requests;
    expect(got.url).toBe('/hooks/in?tenant=t1');
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(got.headers['user-agent']).toBe('Gatehouse-Webhooks/1');
    expect(new Webhook(secret).verify(got.body, got.headers as Record<string, string>)).toEqual(JSON.parse(body));
  });

  it('refuses a loopback address by default, before any request reaches it', async () => {
    const server = await receiver((_, res) => res.end('ok'));
    const outcome = await postWebhook(`${server.origin}/`, headers(), body, { timeoutMs: 5000, policy: DEFAULT_ADDRESS_POLICY });
    expect(outcome).toMatchObject({ status: null, excerpt: '', error: 'address 127.0.0.1 is private or loopback (refused)' });
    expect(server.connections).toBe(0);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a name that resolves to loopback (localhost), and allows it when the policy lists the address', async () => {
    const server = await receiver((_, res) => res.end('ok'));
    const url = `http://localhost:${server.port}/`;
    const refused = await postWebhook(url, headers(), body, { timeoutMs: 5000, policy: DEFAULT_ADDRESS_POLICY });
    expect(refused).toMatchObject({ status: null, error: expect.stringMatching(/^address (127\.0\.0\.1|::1) is private or loopback \(refused\)$/) });
    expect(server.connections).toBe(0);
    const allowed = await postWebhook(url, headers(), body, { timeoutMs: 5000, policy: policyOf('127.0.0.0/8,::1') });
    expect(allowed).toMatchObject({ status: 200, excerpt: 'ok', error: null });
    expect(server.requests).toHaveLength(1);
  });

  it('checks the connected address of a kept-alive socket too, when it is reused under a stricter policy', async () => {
    const server = await receiver((_, res) => res.end('ok'));
    const url = `http://localhost:${server.port}/`;
    expect(await postWebhook(url, headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL })).toMatchObject({ status: 200 });
    await sleep(50); // the socket goes back to the pool after the answer's end
    // A reused socket needs no lookup: only the check on the connected address stands in the way.
    const outcome = await postWebhook(url, headers(), body, { timeoutMs: 5000, policy: DEFAULT_ADDRESS_POLICY });
    expect(outcome).toMatchObject({ status: null, error: 'address 127.0.0.1 is private or loopback (refused)' });
    expect(server.connections).toBe(1);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses IP literals in every spelling, without connecting', async () => {
    for (const url of ['http://[::1]:9/', 'http://2130706433:9/', 'http://0x7f.1:9/', 'http://[::ffff:127.0.0.1]:9/', 'http://169.254.169.254/latest/meta-data/']) {
      const outcome = await postWebhook(url, headers(), body, { timeoutMs: 5000, policy: DEFAULT_ADDRESS_POLICY });
      // Had it connected, port 9 would refuse and 169.254.169.254 would time out: this error says it did not try.
      expect(outcome.error, url).toMatch(/^address .+ is private or loopback \(refused\)$/);
    }
  });

  it('does not follow a redirect: a 302 is the outcome', async () => {
    const target = await receiver((_, res) => res.end('should not be reached'));
    const server = await receiver((_, res) => res.writeHead(302, { location: `${target.origin}/elsewhere` }).end());
    const outcome = await postWebhook(`${server.origin}/`, headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL });
    expect(outcome).toMatchObject({ status: 302, error: null });
    await sleep(100);
    expect(target.connections).toBe(0);
  });

  it('gives up at the deadline when the receiver never answers', async () => {
    const server = await receiver(() => {}); // reads the request, never answers
    // The query may hold the receiver's secret: the exact message shows it is left out.
    const outcome = await postWebhook(`${server.origin}/slow?token=receiver-secret`, headers(), body, { timeoutMs: 300, policy: ALLOW_ALL });
    expect(outcome).toMatchObject({ status: null, error: 'timed out after 0.3 s' });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
    expect(outcome.durationMs).toBeLessThan(1000);
  });

  it('gives up at the deadline when the receiver trickles its answer, keeping what arrived', async () => {
    const server = await receiver((_, res) => {
      res.writeHead(200);
      const drip = setInterval(() => res.write('.'), 20);
      res.on('close', () => clearInterval(drip));
    });
    const outcome = await postWebhook(`${server.origin}/`, headers(), body, { timeoutMs: 300, policy: ALLOW_ALL });
    expect(outcome).toMatchObject({ status: null, error: 'timed out after 0.3 s reading the answer' });
    expect(outcome.excerpt).toMatch(/^\.+$/);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
    expect(outcome.durationMs).toBeLessThan(1000);
  });

  it('reads an endless answer only up to its cap, then hangs up', async () => {
    let hungUp = false;
    const server = await receiver((_, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      res.on('close', () => (hungUp = true));
      pump();
    });
    const outcome = await postWebhook(`${server.origin}/`, headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL, maxExcerpt: 50 });
    expect(outcome).toMatchObject({ status: 200, error: null, excerpt: 'x'.repeat(50) });
    expect(outcome.durationMs).toBeLessThan(2000);
    await sleep(100);
    expect(hungUp).toBe(true);
  });

  it('makes one line of the excerpt, in characters, not bytes', async () => {
    const server = await receiver((_, res) => res.writeHead(400).end('bad\r\n\tinput\u0007 — ✓✓✓ ünïcødé 🎉🎉🎉 the rest'));
    const outcome = await postWebhook(`${server.origin}/`, headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL, maxExcerpt: 29 });
    expect(outcome).toMatchObject({ status: 400, error: null, excerpt: 'bad   input  — ✓✓✓ ünïcødé 🎉🎉' });
  });

  it('reads Retry-After from the answer', async () => {
    const server = await receiver((_, res) => res.writeHead(503, { 'retry-after': '120' }).end());
    expect(await postWebhook(`${server.origin}/`, headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL })).toMatchObject({ status: 503, retryAfterMs: 120_000, error: null });
  });

  it('reports a closed port as a refused connection', async () => {
    const server = await receiver(() => {});
    const closed = server.port;
    await new Promise((done) => servers.pop()!.close(done));
    const outcome = await postWebhook(`http://127.0.0.1:${closed}/?token=receiver-secret`, headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL });
    expect(outcome).toMatchObject({ status: null, error: 'connection refused' });
  });

  it('reports a receiver that hangs up without answering', async () => {
    const server = await receiver((req) => req.socket.destroy());
    expect(await postWebhook(`${server.origin}/`, headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL })).toMatchObject({ status: null, error: 'connection reset' });
  });

  it('turns a URL it cannot send to into an outcome', async () => {
    expect(await postWebhook('not a url', headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL })).toMatchObject({ status: null, error: 'invalid URL' });
    expect(await postWebhook('ftp://example.com/', headers(), body, { timeoutMs: 5000, policy: ALLOW_ALL })).toMatchObject({ status: null, error: 'unsupported scheme ftp:' });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['0', 0],
    ['120', 120_000],
    [' 5 ', 5000],
    ['999999999', 86_400_000],
    ['Thu, 01 Jan 2026 00:01:30 GMT', 90_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['Sat, 01 Jan 2028 00:00:00 GMT', 86_400_000],
    [undefined, null],
    ['', null],
    ['soon', null],
    ['1.5', null],
    ['-1', null],
    ['1 2', null],
  ])('reads %j as %j', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('isBlockedAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.255.255.254', true],
    ['0.0.0.0', true],
    ['10.1.2.3', true],
    ['100.64.0.1', true],
    ['169.254.169.254', true],
    ['172.16.0.1', true],
    ['172.31.255.255', true],
    ['192.168.1.1', true],
    ['198.18.0.1', true],
    ['224.0.0.1', true],
    ['255.255.255.255', true],
    ['::', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['::ffff:7f00:1', true],
    ['::ffff:169.254.169.254', true],
    ['::127.0.0.1', true],
    ['64:ff9b::808:808', true],
    ['2001:db8::1', true],
    ['fc00::1', true],
    ['fd00:ec2::254', true],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['FE80::1', true],
    ['ff02::1', true],
    ['not-an-address', true],
    ['', true],
    ['8.8.8.8', false],
    ['172.32.0.1', false],
    ['100.128.0.1', false],
    ['::ffff:8.8.8.8', false],
    ['2606:4700::1111', false],
    ['2a00:1450:4001::200e', false],
  ])('%s: %s', (address, blocked) => {
    expect(isBlockedAddress(address, DEFAULT_ADDRESS_POLICY)).toBe(blocked);
  });
});

describe('parseAllowPrivate', () => {
  it('refuses private addresses when unset, empty or false', () => {
    for (const setting of [undefined, '', ' ', 'false', 'FALSE']) {
      expect(parseAllowPrivate(setting)).toEqual({ policy: DEFAULT_ADDRESS_POLICY });
    }
  });

  it('allows every address with true, and still nothing that is not one', () => {
    const policy = policyOf('true');
    for (const address of ['127.0.0.1', '::1', '169.254.169.254', '8.8.8.8']) expect(isBlockedAddress(address, policy)).toBe(false);
    expect(isBlockedAddress('localhost', policy)).toBe(true);
  });

  it('allows the listed addresses and ranges, the IPv4-mapped forms with them', () => {
    const policy = policyOf(' 10.0.0.0/8 , 127.0.0.1,fd12:3456::/32');
    for (const address of ['10.0.0.1', '10.255.0.9', '127.0.0.1', '::ffff:127.0.0.1', '::ffff:10.1.1.1', 'fd12:3456::1']) {
      expect(isBlockedAddress(address, policy), address).toBe(false);
    }
    for (const address of ['127.0.0.2', '192.168.0.1', '169.254.169.254', '::1', 'fd12:3457::1']) {
      expect(isBlockedAddress(address, policy), address).toBe(true);
    }
  });

  it('names the malformed entries and the variable', () => {
    expect(parseAllowPrivate('10.0.0.0/8,10.0.0.0/33,yes')).toEqual({
      problem:
        'GATEHOUSE_WEBHOOK_ALLOW_PRIVATE must be true, false or a comma-separated list of addresses and CIDRs (like 10.0.0.0/8,127.0.0.1); "10.0.0.0/33", "yes" are neither',
    });
    for (const bad of ['10.0.0', '::1/129', '10.0.0.0/8/8', 'fe80::1%eth0', '10.0.0.0/']) {
      expect(parseAllowPrivate(bad), bad).toEqual({ problem: expect.stringContaining(`"${bad}" is neither`) });
    }
  });
});

describe('checkWebhookUrl', () => {
  const allow = 'set GATEHOUSE_WEBHOOK_ALLOW_PRIVATE to allow it';
  it.each([
    ['https://example.com/hook', null],
    ['http://example.com:8080/hook?token=abc', null],
    ['https://[2606:4700::1111]/hook', null],
    ['http://8.8.8.8/', null],
    ['example.com/hook', 'Webhook URL must be an absolute http or https URL'],
    ['ftp://example.com/', 'Webhook URL must use http or https'],
    ['javascript:alert(1)', 'Webhook URL must use http or https'],
    ['http://user:pw@example.com', 'Webhook URL must not contain a user name or password'],
    ['http://user@example.com', 'Webhook URL must not contain a user name or password'],
    [`https://example.com/${'a'.repeat(2048)}`, 'Webhook URL must be at most 2048 characters'],
    ['http://127.0.0.1:8080/', `Webhook URL points at a private or loopback address (127.0.0.1); ${allow}`],
    ['http://[::1]/', `Webhook URL points at a private or loopback address (::1); ${allow}`],
    ['http://[::ffff:127.0.0.1]/', `Webhook URL points at a private or loopback address (::ffff:7f00:1); ${allow}`],
    ['http://2130706433/', `Webhook URL points at a private or loopback address (127.0.0.1); ${allow}`],
    ['http://0x7f.1/', `Webhook URL points at a private or loopback address (127.0.0.1); ${allow}`],
    ['http://169.254.169.254/latest/meta-data/', `Webhook URL points at a private or loopback address (169.254.169.254); ${allow}`],
    ['http://[fd00:ec2::254]/', `Webhook URL points at a private or loopback address (fd00:ec2::254); ${allow}`],
    ['http://localhost:3000/', `Webhook URL points at localhost; ${allow}`],
    ['http://LocalHost./', `Webhook URL points at localhost; ${allow}`],
    ['http://api.localhost/', `Webhook URL points at localhost; ${allow}`],
  ])('%s', (url, expected) => {
    expect(checkWebhookUrl(url, DEFAULT_ADDRESS_POLICY)).toBe(expected);
  });

  it('lets the policy allow loopback and private ranges', () => {
    expect(checkWebhookUrl('http://localhost:3000/', policyOf('127.0.0.1'))).toBeNull();
    expect(checkWebhookUrl('http://127.0.0.1:8080/', policyOf('127.0.0.1'))).toBeNull();
    expect(checkWebhookUrl('http://10.0.0.5/', policyOf('10.0.0.0/8'))).toBeNull();
    expect(checkWebhookUrl('http://192.168.0.5/', policyOf('10.0.0.0/8'))).toMatch(/private or loopback address \(192\.168\.0\.5\)/);
    expect(checkWebhookUrl('http://[::1]/', ALLOW_ALL)).toBeNull();
    expect(checkWebhookUrl('ftp://127.0.0.1/', ALLOW_ALL)).toBe('Webhook URL must use http or https');
  });
});
