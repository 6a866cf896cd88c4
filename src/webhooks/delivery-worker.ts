import type { Logger } from 'pino';
import { publish, SYSTEM, type NewEvent } from '../domain/events.js';
import { newId } from '../domain/ids.js';
import { toEvent } from '../domain/presenters.js';
import type { DueDelivery, InviteRecord } from '../domain/records.js';
import type { AttemptResult, Store } from '../domain/store.js';
import { PollLoop } from '../workers/poll-loop.js';
import type { AddressPolicy } from './address-policy.js';
import { postWebhook } from './post.js';
import { nextAttemptDelay } from './schedule.js';
import { webhookHeaders } from './signature.js';

interface DeliveryWorkerOptions {
  store: Store;
  clock: () => Date;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  policy: AddressPolicy;
  /** Pauses before each retry (see schedule.ts). */
  schedule: readonly number[];
  pollMs?: number;
  /** How often expired invites are looked for. */
  sweepMs?: number;
  /** Events and the delivery log older than this are deleted (every ten minutes). */
  retentionMs: number;
}

/** An endpoint has this long to answer; a 2xx after it is a failure, as the README says. */
const TIMEOUT_MS = 10_000;
/** Longer than an attempt can take, so that a live sender never loses its claim to another. */
const LEASE_MS = 30_000;
const PRUNE_MS = 10 * 60_000;
/** Attempts in flight at once, per process. */
const IN_FLIGHT = 50;
/**
 * Kicks this close together start one pass: every write that publishes an event kicks, and
 * without endpoints each pass only reads that nothing is due (60 µs a pass on SQLite, on the
 * connection the requests wait for; a third of an accept's database time).
 */
const KICK_DELAY_MS = 20;

/**
 * Delivers what the webhook outbox holds, and announces expired invites. Deliveries are rows
 * written with their event, claimed under a lease (so one replica attempts each at a time and
 * a crashed sender's claims come back after LEASE_MS), attempted side by side, and their
 * outcomes recorded after: at least once, never lost.
 */
export class DeliveryWorker {
  private readonly loop: PollLoop;
  private lastSweep = 0;
  private lastPrune = 0;
  private kicked: NodeJS.Timeout | null = null;

  constructor(private readonly o: DeliveryWorkerOptions) {
    this.loop = new PollLoop(() => this.drain(), o.pollMs ?? 1000, o.log, 'webhook worker', (error) => o.store.isUnavailable(error));
  }

  start(): void {
    this.loop.start();
  }

  kick(): void {
    // A pass in progress takes new deliveries at once; otherwise a new pass starts shortly.
    this.wake?.();
    if (this.kicked) return;
    this.kicked = setTimeout(() => {
      this.kicked = null;
      this.loop.kick();
    }, KICK_DELAY_MS);
    this.kicked.unref();
  }

  stop(): Promise<void> {
    if (this.kicked) clearTimeout(this.kicked);
    return this.loop.stop();
  }

  /**
   * Sweeps when due, then attempts every delivery due now, up to IN_FLIGHT at a time. A slot
   * is refilled as soon as its attempt ends, so an endpoint that answers slowly holds its own
   * slots, not a whole batch; outcomes are recorded together, a transaction per handful.
   * Resolves when nothing is due or in flight (or, once stopped, when the attempts in hand
   * are recorded).
   */
  async drain(): Promise<void> {
    if (this.o.clock().getTime() - this.lastSweep >= (this.o.sweepMs ?? 5000)) await this.sweep();
    if (this.o.clock().getTime() - this.lastPrune >= PRUNE_MS) await this.prune();
    const inFlight = new Set<Promise<void>>();
    const outcomes: AttemptResult[] = [];
    const record = async () => {
      if (outcomes.length > 0) await this.o.store.transaction((store) => store.finishAttempts(outcomes.splice(0)));
    };
    try {
      while (!this.loop.stopping) {
        const now = this.o.clock();
        const free = IN_FLIGHT - inFlight.size;
        const claimed = free > 0 ? await this.o.store.claimDueDeliveries(now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString(), free) : [];
        for (const due of claimed) {
          const attempt: Promise<void> = this.attempt(due).then((outcome) => {
            outcomes.push(outcome);
            inFlight.delete(attempt);
          });
          inFlight.add(attempt);
        }
        if (inFlight.size === 0) break;
        // Wait for an attempt to end (or a kick: new deliveries were committed), then record what ended.
        await Promise.race([...inFlight, this.woken()]);
        await record();
      }
    } finally {
      await Promise.all(inFlight);
      await record();
    }
  }

  private wake: (() => void) | null = null;
  /** Resolves at the next kick. */
  private woken(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  /**
   * Writes `invite.expired` once for each invite whose lifetime ran out: the claim marks the
   * invites in the transaction that writes their events, so of several replicas one wins each.
   */
  async sweep(): Promise<void> {
    this.lastSweep = this.o.clock().getTime();
    for (;;) {
      const count = await this.o.store.transaction(async (store) => {
        const now = this.o.clock();
        const expired = await store.claimExpiredInvites(now.toISOString(), 100);
        const events: NewEvent[] = [];
        for (const invite of expired) {
          const org = await store.getOrg(invite.orgId);
          if (org) events.push(expiredEvent(org.instanceId, invite));
        }
        await publish(store, now, SYSTEM, events);
        return expired.length;
      });
      if (count < 100) return;
    }
  }

  /** Forgets events and attempts past their retention (any replica may; deleting twice is harmless). */
  async prune(): Promise<number> {
    this.lastPrune = this.o.clock().getTime();
    return this.o.store.transaction((store) => store.pruneEvents(new Date(this.lastPrune - this.o.retentionMs).toISOString()));
  }

  private async attempt({ delivery, webhook, event }: DueDelivery): Promise<AttemptResult> {
    const started = this.o.clock();
    const body = JSON.stringify(toEvent(event));
    const secrets = [webhook.secret];
    if (webhook.previousSecret && webhook.previousSecretUntil && new Date(webhook.previousSecretUntil) > started) secrets.push(webhook.previousSecret);
    // A fresh timestamp on every attempt: receivers refuse signatures older than five minutes.
    const headers = webhookHeaders(secrets, event.id, Math.floor(started.getTime() / 1000), body);
    const outcome = await postWebhook(webhook.url, headers, body, { timeoutMs: TIMEOUT_MS, policy: this.o.policy });
    const attempts = delivery.attempts + 1;
    const at = started.toISOString();
    const base = { id: newId(), deliveryId: delivery.id, webhookId: webhook.id, eventId: event.id, at, durationMs: Math.round(outcome.durationMs), statusCode: outcome.status, error: outcome.error, excerpt: outcome.excerpt };
    const ok = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
    if (ok) return { attempt: { ...base, nextAttemptAt: null }, status: 'delivered', nextAttemptAt: null };
    if (outcome.status === 410) {
      this.o.log.warn({ webhookId: webhook.id }, 'webhook endpoint answered 410 Gone: disabled');
      return { attempt: { ...base, nextAttemptAt: null }, status: 'failed', nextAttemptAt: null, disableWebhook: 'The endpoint answered 410 Gone' };
    }
    const delay = nextAttemptDelay(this.o.schedule, attempts, outcome.retryAfterMs);
    if (delay === null) {
      this.o.log.warn({ webhookId: webhook.id, deliveryId: delivery.id, attempts }, 'webhook delivery failed for good');
      return { attempt: { ...base, nextAttemptAt: null }, status: 'failed', nextAttemptAt: null };
    }
    const next = new Date(this.o.clock().getTime() + delay).toISOString();
    return { attempt: { ...base, nextAttemptAt: next }, status: 'queued', nextAttemptAt: next };
  }
}

const expiredEvent = (instanceId: string, invite: InviteRecord): NewEvent => ({
  type: 'invite.expired',
  instanceId,
  orgId: invite.orgId,
  data: { inviteId: invite.id, email: invite.email, role: invite.role, applicationRoles: invite.applicationRoles, dashboardRoles: invite.dashboardRoles, expiresAt: invite.expiresAt },
});
