import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Config } from './config.js';
import { Operator } from './domain/operator.js';
import { Auth } from './domain/tokens.js';
import type { DomainDeps } from './domain/context.js';
import { JoinLinks } from './domain/join-links.js';
import { Invitations } from './domain/invitations.js';
import { MailProblems } from './domain/mail-problems.js';
import { Brandings } from './domain/branding.js';
import { Members } from './domain/members.js';
import { Orgs } from './domain/orgs.js';
import { ApiTokens } from './domain/api-tokens.js';
import { AuditTrail } from './domain/audit.js';
import { RateLimiter } from './domain/rate-limits.js';
import { buildApp } from './http/app.js';
import { loggerOptions } from './http/logging.js';
import { inviteMailComposer } from './mail/templates.js';
import { OutboxWorker } from './mail/outbox-worker.js';
import { openTransport } from './mail/transport.js';
import { openStore } from './store/open.js';
import { EventFeed } from './domain/events.js';
import { Webhooks } from './domain/webhooks.js';
import { checkWebhookUrl } from './webhooks/address-policy.js';
import { DeliveryWorker } from './webhooks/delivery-worker.js';
import { StartupError } from './domain/startup-error.js';
import type { Store } from './domain/store.js';

/** How long a stopping server waits for requests in flight before it cuts the remaining connections. */
const SHUTDOWN_GRACE_MS = 3000;
const PRUNE_MS = 5 * 60_000;

export interface Gatehouse {
  store: Store;
  /** The operator's service: `serve` sets up an empty database with it, and tests seed their fixtures. */
  admin: Operator;
  app: FastifyInstance;
  worker: OutboxWorker;
  /** Delivers webhooks and announces expired invites; started with the mail worker. */
  webhookWorker: DeliveryWorker;
  /** Listens on the configured host and port; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops accepting requests and finishes those in flight, then stops the worker, then closes the store. */
  close(): Promise<void>;
}

interface GatehouseOptions {
  clock?: () => Date;
  logStream?: NodeJS.WritableStream;
  /** Poll interval of the mail worker; tests shorten it. */
  mailPollMs?: number;
  /** How often expired invites are looked for; tests shorten it. */
  sweepMs?: number;
  /** Apply pending migrations at start (the default); `serve --no-migrate` turns it off. */
  migrate?: boolean;
}

/** The composition root: builds every part once, from the configuration, and wires them. */
export async function createGatehouse(config: Config, options: GatehouseOptions = {}): Promise<Gatehouse> {
  const clock = options.clock ?? (() => new Date());
  // Logs go to stderr: stdout carries what commands print (`serve --json` prints one object).
  const log = pino(loggerOptions(config.logLevel), options.logStream ?? process.stderr);
  const store = await openStore(config.database, {
    poolSize: config.poolSize,
    holdMs: config.holdMs,
    migrationUrl: config.migrationDatabase ?? undefined,
    readUrl: config.readDatabase ?? undefined,
    readMaxLagMs: config.readMaxLagMs,
    migrate: options.migrate,
    onIdleError: (err) => log.warn({ err }, 'idle database connection lost'),
  });
  // Without a configured public URL, links point at the port actually bound (PORT=0 included).
  let publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  const webhookWorker = new DeliveryWorker({
    store,
    clock,
    log,
    policy: config.webhookPolicy,
    schedule: config.webhookRetryScheduleMs,
    pollMs: options.mailPollMs,
    sweepMs: options.sweepMs,
    retentionMs: config.eventRetentionMs,
  });
  const worker = new OutboxWorker({
    store,
    transport: openTransport(config.mail),
    from: config.mailFrom,
    clock,
    log,
    pollMs: options.mailPollMs,
    onEventsPublished: () => webhookWorker.kick(),
  });
  const deps: DomainDeps = {
    store,
    clock,
    defaultInviteTtlMs: config.inviteTtlMs,
    composeInviteMail: inviteMailComposer(() => publicUrl, config.mailTemplates),
    onMailQueued: () => worker.kick(),
    onEventsPublished: () => webhookWorker.kick(),
  };
  const limiter = new RateLimiter(store, config.rateLimits, () => clock().getTime());
  const invitations = new Invitations(deps);
  const auth = new Auth(store, clock);
  const app = buildApp(
    {
      store,
      auth,
      invitations,
      joinLinks: new JoinLinks({ ...deps, invitations, publicUrl: () => publicUrl }),
      members: new Members(deps),
      orgs: new Orgs(deps),
      brandings: new Brandings(deps),
      apiTokens: new ApiTokens({ ...deps, auth }),
      audit: new AuditTrail(deps),
      events: new EventFeed(deps),
      webhooks: new Webhooks({ ...deps, urlProblem: (url) => checkWebhookUrl(url, config.webhookPolicy) }),
      mail: new MailProblems(deps),
      limiter,
    },
    { logger: log, trustProxy: config.trustProxy, connections: config.connections, holdMs: config.holdMs, readYourWritesMs: config.readMaxLagMs },
  );
  // Old rate-limit windows, request journal entries and idempotency keys are forgotten every
  // few minutes (any replica may do it).
  const prune = async () => {
    await limiter.prune();
    await store.pruneRequestRecords(new Date().toISOString());
  };
  const pruning = setInterval(() => prune().catch((err) => log.warn({ err }, 'pruning rate limits and request records failed')), PRUNE_MS);
  pruning.unref();
  return {
    store,
    admin: new Operator(store, clock),
    app,
    worker,
    webhookWorker,
    async listen() {
      let address: string;
      try {
        address = await app.listen({ port: config.port, host: config.host });
      } catch (error) {
        // The usual start-up mistake (a second server, or the old one still running): one line, no stack.
        if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new StartupError(`port ${config.port} is in use (PORT); stop the other process or set PORT to another port (0 picks a free one)`);
        }
        throw error;
      }
      const { port } = app.server.address() as AddressInfo;
      if (config.publicUrl === null) publicUrl = `http://localhost:${port}`;
      return address.replace('[::1]', 'localhost');
    },
    async close() {
      // Connections that never send a request (load balancers open some ahead of use) would
      // hold close() open for ever: after a grace period for requests in flight, cut them.
      clearInterval(pruning);
      const cut = setTimeout(() => app.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await app.close();
      clearTimeout(cut);
      await Promise.all([worker.stop(), webhookWorker.stop()]);
      await store.close();
    },
  };
}
