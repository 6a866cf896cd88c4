import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { newWebhookSecret } from '../../src/domain/secrets.js';
import { signatures, webhookHeaders } from '../../src/webhooks/signature.js';

const now = () => Math.floor(Date.now() / 1000);
const body = JSON.stringify({ type: 'member.added', data: { orgId: 'o1', userId: 'u1', note: 'ünïcødé ✓' } });

describe('webhook signatures', () => {
  it('make secrets in the Standard Webhooks format, 32 random bytes each', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });

  it("match the spec's example", () => {
    // The example of the Standard Webhooks libraries' own tests.
    expect(signatures(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'], 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('give every header a delivery carries', () => {
    const headers = webhookHeaders([newWebhookSecret()], 'msg_1', 1700000000, body);
    expect(Object.keys(headers).sort()).toEqual(['content-type', 'user-agent', 'webhook-id', 'webhook-signature', 'webhook-timestamp']);
    expect(headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': 'msg_1', 'webhook-timestamp': '1700000000', 'user-agent': 'Gatehouse-Webhooks/1' });
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('are accepted by the standardwebhooks library', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders([secret], 'msg_2', now(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('with two secrets, verify with either one alone (rotation), and with no other', () => {
    const [oldSecret, newSecret] = [newWebhookSecret(), newWebhookSecret()];
    const headers = webhookHeaders([oldSecret, newSecret], 'msg_3', now(), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow(/No matching signature/);
  });

  it('fail verification when the body, the id or the timestamp is changed', () => {
    const secret = newWebhookSecret();
    const ts = now();
    const headers = webhookHeaders([secret], 'msg_4', ts, body);
    const verifier = new Webhook(secret);
    expect(() => verifier.verify(body.replace('u1', 'u2'), headers)).toThrow(/No matching signature/);
    expect(() => verifier.verify(body, { ...headers, 'webhook-id': 'msg_5' })).toThrow(/No matching signature/);
    expect(() => verifier.verify(body, { ...headers, 'webhook-timestamp': String(ts - 1) })).toThrow(/No matching signature/);
  });

  it('refuse what would sign something else than receivers verify', () => {
    expect(() => signatures([newWebhookSecret()], 'msg_6', 1700000000.5, body)).toThrow(/whole seconds/);
    expect(() => signatures(['whsec_'], 'msg_6', 1700000000, body)).toThrow(/must not be empty/);
  });
});
