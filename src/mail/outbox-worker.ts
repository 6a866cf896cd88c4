import type { Logger } from 'pino';
import { publish, SYSTEM } from '../domain/events.js';
import type { MailRecord } from '../domain/records.js';
import type { Store } from '../domain/store.js';
import type { MailTransport } from './transport.js';
import { PollLoop } from '../workers/poll-loop.js';

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

  constructor(private readonly o: OutboxWorkerOptions) {
    this.loop = new PollLoop(() => this.drain(), o.pollMs ?? 1000, o.log, 'outbox worker');
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
    this.o.transport.close();
  }

  /** Sends every message due now; resolves when none is left, or after the batch in hand once stopped. */
  async drain(): Promise<void> {
    while (!this.loop.stopping) {
      const now = this.o.clock();
      const batch = await this.o.store.claimDueMail(
        now.toISOString(),
        new Date(now.getTime() + (this.o.leaseMs ?? 60_000)).toISOString(),
        10,
      );
      if (batch.length === 0) return;
      for (const mail of batch) {
        await this.deliver(mail);
      }
    }
  }

  private async deliver(mail: MailRecord) {
    const { id, to, subject, attempts } = mail;
    try {
      await this.o.transport.send({ id, from: this.o.from, to, subject, text: mail.text ?? '', html: mail.html ?? '', language: htmlLanguage(mail.html) });
      await this.o.store.transaction(async (store) => {
        await store.markMailSent(id, this.o.clock().toISOString());
        await this.publish(store, 'mail.sent', mail);
      });
      this.o.onEventsPublished?.();
      this.o.log.info({ mailId: id }, 'invitation mail delivered');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // What is stored is shown to API tokens (`mailError`), read-only ones included: the
      // server's file paths stay in the operator's log.
      const shown = withoutPaths(reason);
      const permanent = (error as { permanent?: boolean }).permanent === true;
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
