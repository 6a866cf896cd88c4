import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES, type ErrorCode, ERROR_STATUS, errorBody } from '../contract/errors.js';
import { SAFETY_HEADERS } from './safety-headers.js';

/** What Node's parser refuses, in our words (its own would not say which limit). */
const ANSWERS: Record<string, [ErrorCode, string]> = {
  HPE_HEADER_OVERFLOW: ['headers_too_large', 'The request headers are larger than 16 KiB'],
};
const MALFORMED: [ErrorCode, string] = ['bad_request', 'The request is not valid HTTP/1.1'];

/** The raw answer for a request Node could not parse: the body and headers every answer has, then close. */
function clientErrorResponse(code: ErrorCode, message: string): string {
  const body = JSON.stringify(errorBody(code, message));
  const status = ERROR_STATUS[ERROR_CODES[code].type];
  const headers: Record<string, string | number> = {
    ...SAFETY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join('')}\r\n${body}`;
}

/**
 * Fastify's `clientErrorHandler`: errors Node's HTTP parser raises before there is a request
 * (an unknown method, oversized headers, a garbage request line) and the request timeouts.
 * A reset or unwritable socket, and a timed-out one (a slow client is not worth an answer,
 * and there is no error code for 408), are just closed. `err` is not logged whole: its
 * `rawPacket` holds the request bytes, invite tokens in URLs included.
 */
export function answerClientError(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  this.log.debug({ code: err.code }, 'client error before routing');
  if (err.code === 'ECONNRESET' || err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [code, message] = ANSWERS[err.code ?? ''] ?? MALFORMED;
  // Ended rather than destroyed: a reset could discard the answer before the client reads it.
  socket.end(clientErrorResponse(code, message), () => socket.destroy());
}
