import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import { parseDuration } from './domain/duration.js';
import type { Limit, RateLimitConfig } from './domain/rate-limits.js';
import type { ConnectionLimits } from './http/connections.js';
import type { MailSetting } from './mail/transport.js';
import { isPostgresUrl } from './store/database-url.js';
import { type AddressPolicy, parseAllowPrivate } from './webhooks/address-policy.js';
import { DEFAULT_RETRY_SCHEDULE_MS, parseSchedule } from './webhooks/schedule.js';

export interface Config {
  port: number;
  host: string;
  /** A SQLite file path, or a postgres:// URL. */
  database: string;
  /** Connections in the PostgreSQL pool (per process). */
  poolSize: number;
  /** PostgreSQL: how long a request waits for a database that went away (a failover) before answering 503. */
  holdMs: number;
  /** PostgreSQL: a direct URL for migrations when `database` goes through a transaction pooler; null: `database`. */
  migrationDatabase: string | null;
  /** PostgreSQL: a standby's URL that serves reads, and the staleness it may show (also the read-your-writes window). */
  readDatabase: string | null;
  readMaxLagMs: number;
  /** Base of invite links; null means http://localhost:<the port actually bound>. */
  publicUrl: string | null;
  mail: MailSetting;
  mailFrom: string;
  /** A folder whose invite.subject.txt, invite.txt and invite.html replace the built-in templates. */
  mailTemplates: string | null;
  inviteTtlMs: number;
  rateLimits: RateLimitConfig;
  /** Whether X-Forwarded-For names the client address: false, true (any proxy), or the proxies' addresses/CIDRs. */
  trustProxy: boolean | string;
  /** How long a client may take, and how many sockets one address may hold (slow clients). */
  connections: ConnectionLimits;
  logLevel: string;
  /** Which private, loopback and link-local addresses webhooks may call (none by default). */
  webhookPolicy: AddressPolicy;
  /** Pauses before each retry of a webhook delivery. */
  webhookRetryScheduleMs: readonly number[];
  /** How long events and the delivery log are kept. */
  eventRetentionMs: number;
}

/** The rate limits when the environment says nothing; the README states them. */
const DEFAULT_RATE_LIMITS = {
  GATEHOUSE_RATE_LIMIT_ADDRESS: '60/1m',
  GATEHOUSE_RATE_LIMIT_EMAIL: '20/1m',
  GATEHOUSE_LOCKOUT: '10/15m',
  GATEHOUSE_RATE_LIMIT_TOKEN: '6000/1m',
  GATEHOUSE_RATE_LIMIT_JOIN_ADDRESS: '20/1h',
  GATEHOUSE_RATE_LIMIT_JOIN_EMAIL: '5/1h',
} as const;

/** The connection limits when the environment says nothing; the README states them and why. */
const DEFAULT_CONNECTION_LIMITS = {
  GATEHOUSE_REQUEST_TIMEOUT: '30s',
  GATEHOUSE_HEADERS_TIMEOUT: '10s',
  GATEHOUSE_KEEP_ALIVE_TIMEOUT: '72s',
  GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS: '100',
} as const;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * What is wrong with GATEHOUSE_DATABASE, if anything. A value with a URL scheme that is not
 * postgres:// would otherwise be taken for a relative SQLite path (mysql://… made a folder
 * `mysql:` and a new, empty database), so every other scheme is refused; two letters at least,
 * so that a Windows drive (C:\…) is still a path. A missing folder is more likely a typo or an
 * unmounted volume than a wish for a new one: only the default's ./data is made (by serve and
 * migrate, on first start). Only the scheme is echoed: a URL may carry a password.
 */
function databaseProblem(database: string, isDefault: boolean): string | null {
  const scheme = /^([a-z][a-z\d+.-]+):/i.exec(database)?.[1];
  if (scheme !== undefined) return isPostgresUrl(database) ? null : `GATEHOUSE_DATABASE: unsupported scheme "${scheme}:"; use a SQLite file path or a postgres:// URL`;
  if (isDefault || database === ':memory:') return null;
  const folder = dirname(database);
  if (existsSync(folder) && statSync(folder).isDirectory()) return null;
  return `GATEHOUSE_DATABASE: no folder "${folder}" for the SQLite file; create it, or point GATEHOUSE_DATABASE into an existing folder`;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, ...rest] = entry.trim().split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
}

/** Reads and checks the environment once; every problem is reported, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name]?.trim();
    return v === '' ? undefined : v;
  };

  const portText = value('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) problems.push(`PORT must be a port number (0-65535), got "${portText}"`);

  const host = value('HOST') ?? '127.0.0.1';

  const database = value('GATEHOUSE_DATABASE') ?? './data/gatehouse.db';
  const databaseWrong = databaseProblem(database, value('GATEHOUSE_DATABASE') === undefined);
  if (databaseWrong) problems.push(databaseWrong);

  const poolText = value('GATEHOUSE_DATABASE_POOL') ?? '10';
  const poolSize = Number(poolText);
  if (!/^\d+$/.test(poolText) || poolSize < 1 || poolSize > 1000) {
    problems.push(`GATEHOUSE_DATABASE_POOL must be a whole number from 1 to 1000, got "${poolText}"`);
  }

  const holdText = value('GATEHOUSE_DATABASE_HOLD') ?? '15s';
  const holdMs = holdText === '0' ? 0 : parseDuration(holdText);
  if (holdMs === null || holdMs > 600_000) problems.push(`GATEHOUSE_DATABASE_HOLD must be 0 or a duration up to 10m, like 15s; got "${holdText}"`);

  // Only PostgreSQL has these: each must be a postgres:// URL beside a postgres:// GATEHOUSE_DATABASE.
  const postgresUrl = (name: string): string | null => {
    const url = value(name) ?? null;
    if (url !== null && !(isPostgresUrl(url) && isPostgresUrl(database))) problems.push(`${name} must be a postgres:// URL, and GATEHOUSE_DATABASE one too`);
    return url;
  };
  const migrationDatabase = postgresUrl('GATEHOUSE_MIGRATION_DATABASE');
  const readDatabase = postgresUrl('GATEHOUSE_READ_DATABASE');
  const lagText = value('GATEHOUSE_READ_MAX_LAG') ?? '5s';
  const readMaxLagMs = parseDuration(lagText);
  if (readMaxLagMs === null || readMaxLagMs < 1000) problems.push(`GATEHOUSE_READ_MAX_LAG must be a duration of 1s or more, like 5s; got "${lagText}"`);

  const publicUrl = value('GATEHOUSE_PUBLIC_URL') ?? null;
  if (publicUrl !== null && !/^https?:$/.test(URL.parse(publicUrl)?.protocol ?? '')) {
    problems.push(`GATEHOUSE_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`);
  }

  const mailText = value('GATEHOUSE_MAIL') ?? 'file:./data/mail';
  let mail: Config['mail'] = { kind: 'file', folder: './data/mail' };
  if (mailText.startsWith('file:') && mailText.length > 'file:'.length) {
    mail = { kind: 'file', folder: mailText.slice('file:'.length) };
  } else if (/^smtps?:$/.test(URL.parse(mailText)?.protocol ?? '') && URL.parse(mailText)?.hostname) {
    mail = { kind: 'smtp', url: mailText };
  } else {
    // Not echoed: an SMTP URL carries a password.
    problems.push('GATEHOUSE_MAIL must be file:<folder>, smtp://[user:pass@]host[:port] or smtps://…');
  }

  const mailFrom = value('GATEHOUSE_MAIL_FROM') ?? 'Gatehouse <no-reply@localhost>';

  const mailTemplates = value('GATEHOUSE_MAIL_TEMPLATES') ?? null;
  if (mailTemplates !== null && !existsSync(mailTemplates)) problems.push(`GATEHOUSE_MAIL_TEMPLATES: no such folder "${mailTemplates}"`);

  const ttlText = value('GATEHOUSE_INVITE_TTL') ?? '7d';
  const inviteTtlMs = parseDuration(ttlText);
  if (inviteTtlMs === null) problems.push(`GATEHOUSE_INVITE_TTL must be milliseconds or a duration like 30s, 15m, 2h, 7d; got "${ttlText}"`);

  const limit = (name: keyof typeof DEFAULT_RATE_LIMITS): Limit | null => {
    const text = value(name) ?? DEFAULT_RATE_LIMITS[name];
    if (text === 'off') return null;
    const match = /^(\d+)\s*\/\s*(\S+)$/.exec(text);
    const windowMs = match ? parseDuration(match[2]) : null;
    if (!match || windowMs === null || Number(match[1]) < 1) {
      problems.push(`${name} must be "<count>/<duration>" (like 60/1m) or "off"; got "${text}"`);
      return null;
    }
    return { max: Number(match[1]), windowMs };
  };
  const rateLimits: RateLimitConfig = {
    address: limit('GATEHOUSE_RATE_LIMIT_ADDRESS'),
    email: limit('GATEHOUSE_RATE_LIMIT_EMAIL'),
    lockout: limit('GATEHOUSE_LOCKOUT'),
    token: limit('GATEHOUSE_RATE_LIMIT_TOKEN'),
    joinAddress: limit('GATEHOUSE_RATE_LIMIT_JOIN_ADDRESS'),
    joinEmail: limit('GATEHOUSE_RATE_LIMIT_JOIN_EMAIL'),
  };

  const proxyText = value('GATEHOUSE_TRUST_PROXY') ?? 'false';
  const trustProxy = proxyText === 'true' ? true : proxyText === 'false' ? false : proxyText;
  if (typeof trustProxy === 'string' && !trustProxy.split(',').every(isAddressOrCidr)) {
    problems.push(`GATEHOUSE_TRUST_PROXY must be true, false or a comma-separated list of addresses and CIDRs; got "${proxyText}"`);
  }

  const timeout = (name: Exclude<keyof typeof DEFAULT_CONNECTION_LIMITS, 'GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS'>): number => {
    const text = value(name) ?? DEFAULT_CONNECTION_LIMITS[name];
    const ms = parseDuration(text);
    if (ms === null) problems.push(`${name} must be milliseconds or a duration like 500ms, 30s, 2m; got "${text}"`);
    return ms ?? 0;
  };
  const capText = value('GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS') ?? DEFAULT_CONNECTION_LIMITS.GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS;
  if (capText !== 'off' && (!/^\d+$/.test(capText) || Number(capText) < 1 || Number(capText) > 1_000_000)) {
    problems.push(`GATEHOUSE_MAX_CONNECTIONS_PER_ADDRESS must be a whole number from 1 to 1000000, or "off"; got "${capText}"`);
  }
  const connections: ConnectionLimits = {
    requestTimeoutMs: timeout('GATEHOUSE_REQUEST_TIMEOUT'),
    headersTimeoutMs: timeout('GATEHOUSE_HEADERS_TIMEOUT'),
    keepAliveTimeoutMs: timeout('GATEHOUSE_KEEP_ALIVE_TIMEOUT'),
    maxPerAddress: capText === 'off' ? null : Number(capText),
  };
  // Node refuses a server whose headers may take longer than the whole request.
  if (connections.headersTimeoutMs > connections.requestTimeoutMs) problems.push('GATEHOUSE_HEADERS_TIMEOUT must not exceed GATEHOUSE_REQUEST_TIMEOUT');

  const logLevel = value('LOG_LEVEL') ?? 'info';
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "${logLevel}"`);
  }

  const allowPrivate = parseAllowPrivate(value('GATEHOUSE_WEBHOOK_ALLOW_PRIVATE'));
  if ('problem' in allowPrivate) problems.push(allowPrivate.problem);
  const scheduleText = value('GATEHOUSE_WEBHOOK_RETRY_SCHEDULE');
  const schedule = scheduleText === undefined ? DEFAULT_RETRY_SCHEDULE_MS : parseSchedule(scheduleText);
  if (typeof schedule === 'string') problems.push(schedule);

  const retentionText = value('GATEHOUSE_EVENT_RETENTION') ?? '30d';
  const eventRetentionMs = parseDuration(retentionText);
  // Shorter than the retry schedule, a delivery could outlive its event's neighbours in the feed.
  const retrying = Array.isArray(schedule) ? schedule.reduce((a, b) => a + b, 0) : 0;
  // Deliveries go with their events: retention must outlast every delivery's retries.
  if (eventRetentionMs === null || eventRetentionMs <= retrying) {
    problems.push(`GATEHOUSE_EVENT_RETENTION must be a duration longer than the webhook retry schedule (${Math.ceil(retrying / 3_600_000)} h), like 30d; got "${retentionText}"`);
  }

  if (problems.length) throw new ConfigError(problems);
  return {
    eventRetentionMs: eventRetentionMs!,
    holdMs: holdMs!,
    migrationDatabase,
    readDatabase,
    readMaxLagMs: readMaxLagMs!,
    port, host, database, poolSize, publicUrl, mail, mailFrom, mailTemplates, inviteTtlMs: inviteTtlMs!, rateLimits, trustProxy, connections, logLevel,
    webhookPolicy: 'policy' in allowPrivate ? allowPrivate.policy : (undefined as never),
    webhookRetryScheduleMs: schedule as readonly number[],
  };
}
