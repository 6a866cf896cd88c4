import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../src/domain/secrets.js';
import { webhookHeaders } from '../../src/webhooks/signature.js';

describe('webhook signatures', () => {
  const body = JSON.stringify({ id: '6b0250dd95ea51363e95bbad', type: 'member.added', timestamp: '2026-12-02T10:00:00.000Z', data: { email: 'ada@example.com' } });
  const now = () => Math.floor(Date.now() / 1000);

  it('verify with the standardwebhooks package, and not after a byte of the body changed', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders([secret], '6b0250dd95ea51363e95bbad', now(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('ada', 'eve'), headers)).toThrow();
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow();
  });

  it('carry one signature per secret, and each secret verifies on its own', () => {
    const [a, b] = [newWebhookSecret(), newWebhookSecret()];
    const headers = webhookHeaders([a, b], 'msg_1', now(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [a, b]) expect(() => new Webhook(secret).verify(body, headers)).not.toThrow();
  });

  it('equal what the package itself signs', () => {
    const secret = newWebhookSecret();
    const at = new Date(Math.floor(Date.now() / 1000) * 1000);
    expect(webhookHeaders([secret], 'msg_2', at.getTime() / 1000, body)['webhook-signature']).toBe(new Webhook(secret).sign('msg_2', at, body));
  });

  it('secrets are whsec_ and 32 random bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});
