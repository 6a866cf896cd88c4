/**
 * Requests Node's HTTP parser refuses before there is a route (issue 12, point 8), over a real
 * port with raw sockets: answered `{type, message, code}` with the headers every answer has,
 * and the connection closed. Node's and Fastify's own answer was `{"error","message","statusCode"}`
 * without them.
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Harness, startHarness } from '../helpers/harness.js';

let h: Harness;
let port = 0;
beforeAll(async () => {
  h = await startHarness();
  await h.gh.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.gh.app.server.address() as AddressInfo).port;
});
afterAll(() => h.close());

/** Writes `bytes` and resolves with everything the server sent until it closed the socket. */
function exchange(bytes: string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.once('error', fail);
    socket.once('close', () => done(received));
    socket.setTimeout(5000, () => fail(new Error(`no close within 5 s; got ${received}`)));
  });
}

function parse(raw: string) {
  const [head, body] = raw.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { statusLine, headers, body };
}

it.each([
  ['an unknown method', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n', 'HTTP/1.1 400 Bad Request', 'bad_request'],
  ['a garbage request line', '\x01\x02 hello there\r\n\r\n', 'HTTP/1.1 400 Bad Request', 'bad_request'],
  ['Content-Length with chunked encoding', 'POST /invites HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 'HTTP/1.1 400 Bad Request', 'bad_request'],
  ['20 KiB of headers', `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`, 'HTTP/1.1 431 Request Header Fields Too Large', 'headers_too_large'],
])('%s: our error body and the safety headers, then close', async (_what, request, statusLine, code) => {
  const answer = parse(await exchange(request));
  expect(answer.statusLine).toBe(statusLine);
  expect(answer.headers).toMatchObject({
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(answer.body)),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    connection: 'close',
  });
  const body = JSON.parse(answer.body);
  expect(body).toEqual({ type: code === 'bad_request' ? 'Validation' : 'HeadersTooLarge', message: expect.any(String), code });
});

it('a well-formed request on the same port is still answered normally', async () => {
  const answer = parse(await exchange('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
  expect(answer.statusLine).toBe('HTTP/1.1 200 OK');
});
