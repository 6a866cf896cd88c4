/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the headers a receiver checks
 * with any of the spec's libraries. node:crypto only; the `standardwebhooks` package is a
 * dev dependency that the tests use to verify what this file produces.
 */
import { createHmac } from 'node:crypto';

const PREFIX = 'whsec_';

/** The HMAC key of a secret: the base64 after `whsec_` (a bare base64 key is taken as is, as the spec's libraries do). */
function keyOf(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
  // An empty key would sign with HMAC(""), which anyone can forge: a bug upstream, not a delivery problem.
  if (key.length === 0) throw new Error('A webhook secret must not be empty');
  return key;
}

/**
 * The `webhook-signature` value: one `v1,<base64 HMAC-SHA256>` of `${id}.${timestamp}.${body}`
 * per secret, space-separated. Several secrets let an endpoint rotate its secret: during the
 * overlap a receiver holding either the old or the new one accepts the delivery.
 */
export function signatures(secrets: readonly string[], id: string, timestampSeconds: number, body: string): string {
  // Receivers parse the timestamp as an integer: "1.5" would sign one thing and verify another.
  if (!Number.isSafeInteger(timestampSeconds)) throw new Error(`A webhook timestamp must be whole seconds, got ${timestampSeconds}`);
  const signed = `${id}.${timestampSeconds}.${body}`;
  return secrets.map((secret) => `v1,${createHmac('sha256', keyOf(secret)).update(signed, 'utf8').digest('base64')}`).join(' ');
}

/** Every header of a delivery: the three the spec signs with, and what any JSON POST carries. */
export function webhookHeaders(secrets: readonly string[], id: string, timestampSeconds: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': signatures(secrets, id, timestampSeconds, body),
    'user-agent': 'Gatehouse-Webhooks/1',
  };
}
