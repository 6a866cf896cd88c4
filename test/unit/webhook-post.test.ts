import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkWebhookUrl, isBlockedAddress, parseAllowPrivate, type AddressPolicy } from '../../src/webhooks/address-policy.js';
import { postWebhook, retryAfter } from '../../src/webhooks/post.js';
import { DEFAULT_RETRY_SCHEDULE_MS, nextAttemptDelay } from '../../src/webhooks/schedule.js';

const policy = (setting?: string): AddressPolicy => {
  const parsed = parseAllowPrivate(setting);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.policy;
};
const STRICT = policy();
const OPEN = policy('true');

const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A real server on loopback; counts the requests that reach it. */
async function serve(handler: Parameters<typeof createServer>[1]) {
  const seen = { requests: 0 };
  const server = createServer((req, res) => {
    seen.requests++;
    handler!(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook?key=receiver-secret`, seen, port: (server.address() as AddressInfo).port };
}

describe('postWebhook', () => {
  it('posts the body with the headers and answers status, excerpt and duration', async () => {
    let got = '';
    const { url } = await serve((req, res) => {
      req.on('data', (c) => (got += c));
      req.on('end', () => res.writeHead(202).end('accepted\nthanks'));
    });
    const outcome = await postWebhook(url, { 'content-type': 'application/json', 'webhook-id': 'x' }, '{"a":1}', { timeoutMs: 2000, policy: OPEN });
    expect(outcome).toMatchObject({ status: 202, excerpt: 'accepted thanks', error: null, retryAfterMs: null });
    expect(got).toBe('{"a":1}');
  });

  it('refuses loopback by default before connecting, for an address and for a name that resolves to it', async () => {
    const { url, seen, port } = await serve((_, res) => res.end('ok'));
    for (const target of [url, `http://localhost:${port}/hook`]) {
      const outcome = await postWebhook(target, {}, '{}', { timeoutMs: 2000, policy: STRICT });
      expect(outcome.status).toBeNull();
      expect(outcome.error).toMatch(/127\.0\.0\.1|::1/);
      expect(outcome.error).toContain('refused');
      // The URL's query (a receiver's secret) never reaches the message.
      expect(outcome.error).not.toContain('receiver-secret');
    }
    expect(seen.requests).toBe(0);
  });

  it('an allow-list opens exactly its CIDRs', async () => {
    const { url } = await serve((_, res) => res.end('ok'));
    expect((await postWebhook(url, {}, '{}', { timeoutMs: 2000, policy: policy('127.0.0.0/8') })).status).toBe(200);
    expect((await postWebhook(url, {}, '{}', { timeoutMs: 2000, policy: policy('10.0.0.0/8') })).status).toBeNull();
  });

  it('does not follow redirects', async () => {
    const target = await serve((_, res) => res.end('ok'));
    const { url } = await serve((_, res) => res.writeHead(302, { location: target.url }).end());
    expect((await postWebhook(url, {}, '{}', { timeoutMs: 2000, policy: OPEN })).status).toBe(302);
    expect(target.seen.requests).toBe(0);
  });

  it('gives up at the deadline, whether the endpoint never answers or trickles its answer', async () => {
    const silent = await serve(() => {});
    const trickle = await serve((_, res) => {
      res.writeHead(200);
      const timer = setInterval(() => res.write('.'), 50);
      res.on('close', () => clearInterval(timer));
    });
    for (const { url } of [silent, trickle]) {
      const outcome = await postWebhook(url, {}, '{}', { timeoutMs: 300, policy: OPEN });
      expect(outcome.status).toBeNull();
      expect(outcome.error).toBe('timed out after 0.3 s');
      expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
      expect(outcome.durationMs).toBeLessThan(1000);
    }
  });

  it('reads at most 64 KiB of a huge answer and keeps a short excerpt', async () => {
    const { url } = await serve((_, res) => {
      res.writeHead(500);
      const chunk = 'x'.repeat(65536);
      let sent = 0;
      const more = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200) res.once('drain', more);
        else res.end();
      };
      more();
    });
    const outcome = await postWebhook(url, {}, '{}', { timeoutMs: 5000, policy: OPEN });
    expect(outcome.status).toBe(500);
    expect(outcome.excerpt).toBe('x'.repeat(200));
    expect(outcome.durationMs).toBeLessThan(2000);
  });

  it('reports a refused connection without a status', async () => {
    const { url } = await serve((_, res) => res.end());
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
    expect(await postWebhook(url, {}, '{}', { timeoutMs: 2000, policy: OPEN })).toMatchObject({ status: null, error: 'connection refused' });
  });

  it('reads Retry-After in seconds or as a date, capped at a day', () => {
    expect(retryAfter('120')).toBe(120_000);
    expect(retryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50_000);
    expect(retryAfter('999999999')).toBe(86_400_000);
    expect(retryAfter('soon')).toBeNull();
    expect(retryAfter(undefined)).toBeNull();
  });
});

describe('the address policy', () => {
  it.each([
    ['127.0.0.1', true], ['10.1.2.3', true], ['172.16.0.1', true], ['192.168.1.1', true], ['169.254.169.254', true], ['100.64.0.1', true],
    ['0.0.0.0', true], ['224.0.0.1', true], ['::1', true], ['::', true], ['fe80::1', true], ['fd00:ec2::254', true], ['::ffff:127.0.0.1', true],
    ['::ffff:169.254.169.254', true], ['64:ff9b::7f00:1', true], ['8.8.8.8', false], ['93.184.216.34', false], ['2606:4700::1111', false], ['not-an-ip', true],
  ])('%s blocked: %s', (address, blocked) => {
    expect(isBlockedAddress(address, STRICT)).toBe(blocked);
    expect(isBlockedAddress(address, OPEN)).toBe(false);
  });

  it('parses true, false and lists; names a malformed entry', () => {
    expect(policy('false').allowAll).toBe(false);
    expect(isBlockedAddress('127.0.0.1', policy('127.0.0.1'))).toBe(false);
    expect(isBlockedAddress('127.0.0.2', policy('127.0.0.1'))).toBe(true);
    expect(isBlockedAddress('fd12::1', policy('fd00::/8'))).toBe(false);
    expect(parseAllowPrivate('10.0.0.0/8, nonsense')).toEqual({ problem: expect.stringContaining('"nonsense"') });
    expect(parseAllowPrivate('10.0.0.0/40')).toEqual({ problem: expect.stringContaining('GATEHOUSE_WEBHOOK_ALLOW_PRIVATE') });
  });

  it.each([
    ['https://example.com/hook', null],
    ['http://example.com:8080/hook?x=1', null],
    ['ftp://example.com/', /http or https/],
    ['http://user:pw@example.com/', /user name or password/],
    ['http://127.0.0.1:8080/', /127\.0\.0\.1/],
    ['http://[::1]/', /::1/],
    ['http://2130706433/', /127\.0\.0\.1/],
    ['http://0x7f.1/', /127\.0\.0\.1/],
    ['http://app.localhost/', /app\.localhost/],
    [`https://example.com/${'a'.repeat(2048)}`, /2048/],
  ])('checkWebhookUrl(%s)', (url, problem) => {
    const found = checkWebhookUrl(url, STRICT);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
    expect(checkWebhookUrl('http://localhost:3000/', policy('127.0.0.1'))).toBeNull();
  });
});

describe('the retry schedule', () => {
  it('is the Standard Webhooks example: nine retries over more than three days, with ±20% jitter', () => {
    const total = DEFAULT_RETRY_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(3 * 86_400_000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, null, () => 0)).toBe(4000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, null, () => 1)).toBe(6000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 2, null, () => 0.5)).toBe(300_000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 10, null)).toBeNull();
    // A later Retry-After wins, up to a day.
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 60_000, () => 0.5)).toBe(60_000);
    expect(nextAttemptDelay(DEFAULT_RETRY_SCHEDULE_MS, 1, 10 * 86_400_000, () => 0.5)).toBe(86_400_000);
  });
});
