import type { Logger } from 'pino';
import { publish, SYSTEM } from '../domain/events.js';
import type { MailRecord } from '../domain/records.js';
import type { Store } from '../domain/store.js';
import type { MailTransport } from './transport.js';
import { PollLoop } from '../workers/poll-loop.js';
import { inRequest } from '../domain/request-scope.js';

interface OutboxWorkerOptions {
  store: Store;
  transport: MailTransport;
  from: string;
  clock: () => Date;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** How often due mail is looked for when nobody kicks the worker. */
  pollMs?: number;
  /** How long a claimed message is reserved for this sender before another may take it. */
  leaseMs?: number;
  maxAttempts?: number;
  /** Told after an outcome's event commits (the webhook worker's kick). */
  onEventsPublished?: () => void;
}

/**
 * Sends what the outbox holds. Rows are written in the transaction that created the invite,
 * so mail is never lost to a crash; a failed send is retried with exponential backoff and
 * jitter, and after `maxAttempts` the message is marked failed with its last error.
 */
export class OutboxWorker {
  private readonly loop: PollLoop;
  /** Sent while the database was away: marked sent when it is back, never sent again. */
  private readonly unmarked = new Map<string, { mail: MailRecord; at: string }>();
  /** Claimed but not sent while the database was away: handed back when it is back, not left to their lease. */
  private readonly unsent = new Set<string>();

  constructor(private readonly o: OutboxWorkerOptions) {
    this.loop = new PollLoop(() => this.drain(), o.pollMs ?? 1000, o.log, 'outbox worker', (error) => o.store.isUnavailable(error));
  }

  start(): void {
    this.loop.start();
  }

  /** Looks for due mail now (after an invite committed), instead of at the next poll. */
  kick(): void {
    this.loop.kick();
  }

  async stop(): Promise<void> {
    await this.loop.stop();
    // A mark the database missed is worth one more try: if it is lost, the mail goes twice.
    if (this.unmarked.size > 0) await this.settleMissed().catch(() => false);
    this.o.transport.close();
  }

  /** Sends every message due now; resolves when none is left, or after the batch in hand once stopped. */
  async drain(): Promise<void> {
    // What the database missed while it was away comes first; until it is back, nothing is sent.
    if (!(await this.settleMissed())) return;
    while (!this.loop.stopping) {
      const now = this.o.clock();
      const batch = await this.o.store.claimDueMail(
        now.toISOString(),
        new Date(now.getTime() + (this.o.leaseMs ?? 60_000)).toISOString(),
        10,
      );
      if (batch.length === 0) return;
      for (const [i, mail] of batch.entries()) {
        if (!(await this.deliver(mail))) {
          for (const rest of batch.slice(i + 1)) this.unsent.add(rest.id);
          return;
        }
      }
    }
  }

  /** Marks what was sent, and hands back what was claimed, while the database was away; false while it still is. */
  private async settleMissed(): Promise<boolean> {
    try {
      for (const [id, { mail, at }] of this.unmarked) {
        await this.markSent(mail, at);
        this.unmarked.delete(id);
      }
      if (this.unsent.size > 0) {
        await this.o.store.releaseMail([...this.unsent]);
        this.unsent.clear();
      }
      return true;
    } catch (error) {
      if (!this.o.store.isUnavailable(error)) throw error;
      return false;
    }
  }

  /**
   * The "sent" mark and its event. Journaled under the message's id: when the database goes
   * away mid-commit and the mark is made again, the event is not published twice.
   */
  private async markSent(mail: MailRecord, at: string): Promise<void> {
    const journal = { key: `mail-sent:${mail.id}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString(), next: 0, repeats: true };
    await inRequest({ journal, replay: true }, () =>
      this.o.store.transaction(async (store) => {
        await store.markMailSent(mail.id, at);
        await this.publish(store, 'mail.sent', mail);
      }),
    );
    this.o.onEventsPublished?.();
  }

  /** Sends one message and records the outcome; false when the database was away for the record. */
  private async deliver(mail: MailRecord): Promise<boolean> {
    const { id, to, subject } = mail;
    try {
      await this.o.transport.send({ id, from: this.o.from, to, subject, text: mail.text ?? '', html: mail.html ?? '', language: htmlLanguage(mail.html) });
    } catch (error) {
      return this.recordFailure(mail, error);
    }
    const at = this.o.clock().toISOString();
    try {
      await this.markSent(mail, at);
    } catch (error) {
      if (!this.o.store.isUnavailable(error)) throw error;
      // Delivered: sending it again would mail the invitee twice.
      this.unmarked.set(id, { mail, at });
      this.o.log.warn({ mailId: id }, 'invitation mail delivered; the database is away, it will be marked sent when it is back');
      return false;
    }
    this.o.log.info({ mailId: id }, 'invitation mail delivered');
    return true;
  }

  /** A failed send: retried later, or failed for good; false when the database was away for the record (it is sent again after its lease). */
  private async recordFailure(mail: MailRecord, error: unknown): Promise<boolean> {
    const { id, attempts } = mail;
    const reason = error instanceof Error ? error.message : String(error);
    // What is stored is shown to API tokens (`mailError`), read-only ones included: the
    // server's file paths stay in the operator's log.
    const shown = withoutPaths(reason);
    const permanent = (error as { permanent?: boolean }).permanent === true;
    try {
      if (permanent || attempts + 1 >= (this.o.maxAttempts ?? 8)) {
        await this.o.store.transaction(async (store) => {
          await store.markMailFailed(id, shown);
          await this.publish(store, 'mail.failed', mail, shown);
        });
        this.o.onEventsPublished?.();
        this.o.log.error({ mailId: id, reason }, 'invitation mail failed for good');
      } else {
        // 2 s, 4 s, 8 s … capped at an hour, with jitter so that retries of many messages spread.
        const backoff = Math.min(3_600_000, 2000 * 2 ** attempts) * (0.5 + Math.random() / 2);
        await this.o.store.markMailRetry(id, new Date(this.o.clock().getTime() + backoff).toISOString(), shown);
        this.o.log.warn({ mailId: id, reason }, 'invitation mail will be retried');
      }
      return true;
    } catch (failure) {
      if (!this.o.store.isUnavailable(failure)) throw failure;
      this.o.log.warn({ mailId: id, reason }, 'invitation mail not sent, and the database is away: it is tried again once it is back');
      this.unsent.add(id);
      return false;
    }
  }

  /** The mail's event, in the transaction that records the outcome (mail without an invite has none). */
  private async publish(store: Store, type: 'mail.sent' | 'mail.failed', mail: MailRecord, error?: string) {
    const invite = mail.inviteId ? await store.getInviteById(mail.inviteId) : null;
    const org = invite ? await store.getOrg(invite.orgId) : null;
    if (!invite || !org) return;
    await publish(store, this.o.clock(), SYSTEM, [
      { type, instanceId: org.instanceId, orgId: org.id, data: { mailId: mail.id, inviteId: invite.id, email: mail.to, ...(error ? { error } : {}) } },
    ]);
  }
}

/** Absolute file paths in an error message (not the path of a URL) become `[path]`. */
export const withoutPaths = (message: string) => message.replace(/(^|[\s'"(=,:])\/[^\s'"(),:]+/g, (m, before: string) => (before === ':' && /:\/\//.test(m) ? m : `${before}[path]`));

/**
 * The language a mail's HTML part declares (`<html lang>`, which the templates fill with the
 * mail's language): the outbox keeps the rendered parts only, and the header follows the part.
 */
export function htmlLanguage(html: string | null): string | undefined {
  const lang = html ? /<html[^>]*\slang=["']?([A-Za-z]{1,8}(?:-[A-Za-z\d]{1,8})*)/i.exec(html)?.[1] : undefined;
  return lang;
}
