import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions, redactUrl } from '../../src/http/logging.js';

const S = 'gh_live-secret-value';

describe('redactUrl', () => {
  it.each([
    ['plain', `/invites?token=${S}&email=a%40b.com`, '/invites?token=[REDACTED]&email=a%40b.com'],
    ['last', `/invites?email=a%40b.com&token=${S}`, '/invites?email=a%40b.com&token=[REDACTED]'],
    ['in the middle', `/invites?email=a&token=${S}&x=1`, '/invites?email=a&token=[REDACTED]&x=1'],
    ['one letter percent-encoded', `/invites?%74oken=${S}&email=a`, '/invites?%74oken=[REDACTED]&email=a'],
    ['every letter percent-encoded', `/invites?%74%6F%6B%65%6e=${S}`, '/invites?%74%6F%6B%65%6e=[REDACTED]'],
    ['upper case', `/invites?TOKEN=${S}`, '/invites?TOKEN=[REDACTED]'],
    ['mixed case', `/invites?ToKeN=${S}`, '/invites?ToKeN=[REDACTED]'],
    ['with a plus', `/invites?+token=${S}`, '/invites?+token=[REDACTED]'],
    ['repeated', `/invites?token=${S}&token=${S}2`, '/invites?token=[REDACTED]&token=[REDACTED]'],
    ['access_token', `/me/token?access_token=${S}`, '/me/token?access_token=[REDACTED]'],
    ['array spelling', `/invites?token[]=${S}`, '/invites?token[]=[REDACTED]'],
    ['undecodable name', `/invites?tok%en=${S}`, '/invites?tok%en=[REDACTED]'],
    ['undecodable UTF-8', `/invites?%E0%A4%A=${S}`, '/invites?%E0%A4%A=[REDACTED]'],
    ['the invitation page', `/accept?token=${S}&email=a`, '/accept?token=[REDACTED]&email=a'],
    ['after a semicolon', `/invites?email=a;token=${S}`, '/invites?email=a;token=[REDACTED]'],
    ['with = in the value', `/invites?token==${S}`, '/invites?token=[REDACTED]'],
    ['after a second ?', `/invites??token=${S}`, '/invites??token=[REDACTED]'],
  ])('%s', (_what, url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves other parameters, valueless names and query-less paths alone', () => {
    for (const url of ['/invites?email=a%40b.com&sortField=email', '/invites?token', '/healthz', '/invites?', '/x?a=%ZZ']) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});

describe('the logger', () => {
  it('redacts URLs quoted in messages and in errors', () => {
    let text = '';
    const log = pino(loggerOptions('info'), new Writable({ write: (chunk, _enc, done) => ((text += chunk), done()) }));
    log.info(`Route GET:/invites?%74oken=${S} not found`);
    log.error({ err: new Error(`Reply was already sent in "/invites?TOKEN=${S}&email=a" (GET)`) }, 'oops');
    log.info({ token: S }, 'an object field named token');
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(S);
  });
});
