import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { formatDuration, parseDuration } from '../../src/domain/duration.js';
import { compileGlob } from '../../src/domain/glob.js';

describe('configuration', () => {
  it('has the documented defaults', () => {
    const { webhookPolicy, webhookRetryScheduleMs, eventRetentionMs, ...rest } = loadConfig({});
    expect(eventRetentionMs).toBe(30 * 86_400_000);
    // By default no private address may be called; the schedule is the README's.
    expect(webhookPolicy.allowAll).toBe(false);
    expect(webhookPolicy.exceptions.rules).toEqual([]);
    expect(webhookRetryScheduleMs).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 50_400_000, 72_000_000, 86_400_000]);
    expect(rest).toEqual({
      port: 3000,
      host: '127.0.0.1',
      database: './data/gatehouse.db',
      poolSize: 10,
      holdMs: 15_000,
      migrationDatabase: null,
      readDatabase: null,
      readMaxLagMs: 5_000,
      publicUrl: null,
      mail: { kind: 'file', folder: './data/mail' },
      mailFrom: 'Gatehouse <no-reply@localhost>',
      mailTemplates: null,
      inviteTtlMs: 7 * 86_400_000,
      rateLimits: {
        address: { max: 60, windowMs: 60_000 },
        email: { max: 20, windowMs: 60_000 },
        lockout: { max: 10, windowMs: 900_000 },
        token: { max: 6000, windowMs: 60_000 },
        joinAddress: { max: 20, windowMs: 3_600_000 },
        joinEmail: { max: 5, windowMs: 3_600_000 },
      },
      trustProxy: false,
      connections: { requestTimeoutMs: 30_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 72_000, maxPerAddress: 100 },
      logLevel: 'info',
    });
    expect(loadConfig({ GATEHOUSE_PUBLIC_URL: 'https://gate.example.com/' }).publicUrl).toBe('https://gate.example.com/');
    expect(loadConfig({ GATEHOUSE_MAIL: 'smtps://u:p@mail.example.com:465' }).mail).toEqual({ kind: 'smtp', url: 'smtps://u:p@mail.example.com:465' });
  });

  it('takes GATEHOUSE_DATABASE as a postgres:// URL or a SQLite path, and refuses every other scheme by name', () => {
    for (const url of ['postgres://u:p@db.internal:5432/gatehouse', 'postgresql://db/gatehouse', 'POSTGRES://db/x', ':memory:', 'C:\\gatehouse.db', 'gatehouse.db']) {
      expect(loadConfig({ GATEHOUSE_DATABASE: url }).database, url).toBe(url);
    }
    for (const [url, scheme] of [
      ['mysql://root:secret@db/gatehouse', 'mysql:'],
      ['MariaDB://db/gatehouse', 'MariaDB:'],
      ['sqlite:///var/lib/gatehouse.db', 'sqlite:'],
      ['file:./data/gatehouse.db', 'file:'],
      ['postgres:/db', 'postgres:'],
    ]) {
      let error: unknown;
      try {
        loadConfig({ GATEHOUSE_DATABASE: url });
      } catch (e) {
        error = e;
      }
      expect(error, url).toBeInstanceOf(ConfigError);
      // The scheme only: a URL may carry a password.
      expect((error as ConfigError).problems).toEqual([`GATEHOUSE_DATABASE: unsupported scheme "${scheme}"; use a SQLite file path or a postgres:// URL`]);
    }
  });

  it("refuses a SQLite file whose folder is missing, except the default's ./data", () => {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-config-'));
    try {
      expect(loadConfig({ GATEHOUSE_DATABASE: join(dir, 'g.db') }).database).toBe(join(dir, 'g.db'));
      const missing = join(dir, 'missing', 'sub');
      expect(() => loadConfig({ GATEHOUSE_DATABASE: join(missing, 'g.db') })).toThrow(
        `GATEHOUSE_DATABASE: no folder "${missing}" for the SQLite file; create it, or point GATEHOUSE_DATABASE into an existing folder`,
      );
      // Not set: the default, whose data folder serve and migrate may create.
      expect(loadConfig({}).database).toBe('./data/gatehouse.db');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the webhook settings, and names them when malformed', () => {
    expect(loadConfig({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookPolicy.allowAll).toBe(true);
    expect(loadConfig({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '127.0.0.1, 10.0.0.0/8' }).webhookPolicy.exceptions.check('10.1.2.3')).toBe(true);
    expect(loadConfig({ GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '1s,2s' }).webhookRetryScheduleMs).toEqual([1000, 2000]);
    expect(() => loadConfig({ GATEHOUSE_WEBHOOK_ALLOW_PRIVATE: '10.0.0.0/33' })).toThrow(/GATEHOUSE_WEBHOOK_ALLOW_PRIVATE.*10\.0\.0\.0\/33/);
    expect(() => loadConfig({ GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '5s,soon' })).toThrow(/GATEHOUSE_WEBHOOK_RETRY_SCHEDULE/);
    expect(loadConfig({ GATEHOUSE_EVENT_RETENTION: '90d' }).eventRetentionMs).toBe(90 * 86_400_000);
    // Retention shorter than the retries would delete deliveries still being retried.
    expect(() => loadConfig({ GATEHOUSE_EVENT_RETENTION: '2d' })).toThrow(/GATEHOUSE_EVENT_RETENTION must be a duration longer than the webhook retry schedule \(76 h\)/);
    expect(loadConfig({ GATEHOUSE_EVENT_RETENTION: '2d', GATEHOUSE_WEBHOOK_RETRY_SCHEDULE: '1m,1h' }).eventRetentionMs).toBe(2 * 86_400_000);
  });

  it('reads rate limits as count/duration or off, and proxies as addresses and CIDRs', () => {
    const config = loadConfig({ GATEHOUSE_RATE_LIMIT_ADDRESS: '5/30s', GATEHOUSE_LOCKOUT: 'off', GATEHOUSE_TRUST_PROXY: '10.0.0.0/8, ::1' });
    expect(config.rateLimits.address).toEqual({ max: 5, windowMs: 30_000 });
    expect(config.rateLimits.lockout).toBeNull();
    expect(config.trustProxy).toBe('10.0.0.0/8, ::1');
    expect(loadConfig({ GATEHOUSE_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    for (const [name, text] of [
      ['GATEHOUSE_RATE_LIMIT_EMAIL', '0/1m'],
      ['GATEHOUSE_RATE_LIMIT_TOKEN', 'lots'],
      ['GATEHOUSE_TRUST_PROXY', 'proxy.example.com'],
      ['GATEHOUSE_TRUST_PROXY', '10.0.0.0/33'],
    ]) {
      expect(() => loadConfig({ [name]: text }), `${name}=${text}`).toThrow(name);
    }
  });

  it('reads the PostgreSQL hold, migration URL and read replica, and names them when malformed', () => {
    const pgUrl = 'postgres://g@db/g';
    const config = loadConfig({
      GATEHOUSE_DATABASE: pgUrl,
      GATEHOUSE_DATABASE_HOLD: '30s',
      GATEHOUSE_MIGRATION_DATABASE: 'postgres://g@direct/g',
      GATEHOUSE_READ_DATABASE: 'postgresql://g@standby/g',
      GATEHOUSE_READ_MAX_LAG: '2s',
    });
    expect(config).toMatchObject({ holdMs: 30_000, migrationDatabase: 'postgres://g@direct/g', readDatabase: 'postgresql://g@standby/g', readMaxLagMs: 2_000 });
    expect(loadConfig({ GATEHOUSE_DATABASE_HOLD: '0' }).holdMs).toBe(0);
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({ GATEHOUSE_DATABASE_HOLD: 'soon' })).toEqual(['GATEHOUSE_DATABASE_HOLD must be 0 or a duration up to 10m, like 15s; got "soon"']);
    expect(problems({ GATEHOUSE_DATABASE_HOLD: '11m' })).toHaveLength(1);
    // A standby or a direct URL beside a SQLite file means nothing: refused, not ignored.
    expect(problems({ GATEHOUSE_READ_DATABASE: pgUrl })).toEqual(['GATEHOUSE_READ_DATABASE must be a postgres:// URL, and GATEHOUSE_DATABASE one too']);
    expect(problems({ GATEHOUSE_DATABASE: pgUrl, GATEHOUSE_MIGRATION_DATABASE: 'mysql://x/y' })).toEqual(['GATEHOUSE_MIGRATION_DATABASE must be a postgres:// URL, and GATEHOUSE_DATABASE one too']);
    expect(problems({ GATEHOUSE_DATABASE: pgUrl, GATEHOUSE_READ_MAX_LAG: '500ms' })).toEqual(['GATEHOUSE_READ_MAX_LAG must be a duration of 1s or more, like 5s; got "500ms"']);
  });

  it('reads connection timeouts as durations and the per-address cap as a count or off', () => {
    const config = loadConfig({ GATEHOUSE_REQUEST_TIMEOUT: '1m', GATEHOUSE_HEADERS_TIMEOUT: '500ms', GATEHOUSE_KEEP_ALIVE_TIMEOUT: '5s', GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS: 'off' });
    expect(config.connections).toEqual({ requestTimeoutMs: 60_000, headersTimeoutMs: 500, keepAliveTimeoutMs: 5000, maxPerAddress: null });
    for (const [name, text] of [
      ['GATEHOUSE_REQUEST_TIMEOUT', 'forever'],
      ['GATEHOUSE_KEEP_ALIVE_TIMEOUT', '0'],
      ['GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS', '0'],
      ['GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS', '1e3'],
      ['GATEHOUSE_HEADERS_TIMEOUT', '31s'], // longer than the whole request may take
    ]) {
      expect(() => loadConfig({ [name]: text }), `${name}=${text}`).toThrow(name);
    }
  });

  it('reports every bad variable by name at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'abc', GATEHOUSE_INVITE_TTL: 'soon', GATEHOUSE_MAIL: 'carrier-pigeon', GATEHOUSE_PUBLIC_URL: 'ftp://x', LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems.join('\n')).not.toContain('carrier-pigeon');
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['PORT', 'GATEHOUSE_PUBLIC_URL', 'GATEHOUSE_MAIL', 'GATEHOUSE_INVITE_TTL', 'LOG_LEVEL']);
  });
});

describe('durations', () => {
  it.each([
    ['1500', 1500],
    ['250ms', 250],
    ['30s', 30_000],
    ['15m', 900_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
  ])('%s is %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'soon', '-5s', '1.5h', '0', '3w', '99999999999999999999d'])('%j is refused', (text) => expect(parseDuration(text)).toBeNull());

  it.each([
    [1500, '1500ms'],
    [30_000, '30s'],
    [5_400_000, '90m'],
    [7_200_000, '2h'],
    [259_200_000, '3d'],
  ])('%d ms is shown as %s, which parses back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('globs', () => {
  it('turn * and ? into LIKE wildcards and escape everything else', () => {
    expect(compileGlob('A*b?C')).toEqual({ like: 'a%b_c', prefix: 'a', runs: ['a', 'b', 'c'] });
    expect(compileGlob('50%_off\\*')).toEqual({ like: '50\\%\\_off\\\\%', prefix: '50%_off\\', runs: ['50%_off\\'] });
    expect(compileGlob('*@x.com')).toEqual({ like: '%@x.com', prefix: '', runs: ['@x.com'] });
  });

  it('keep the literal runs between wildcards, unescaped, for a trigram index', () => {
    expect(compileGlob('**Smith*?son"s*').runs).toEqual(['smith', 'son"s']);
    expect(compileGlob('*').runs).toEqual([]);
  });
});
