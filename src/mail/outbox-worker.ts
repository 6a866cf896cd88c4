import type { Logger } from 'pino';
import type { Store } from '../domain/store.js';
import type { MailTransport } from './transport.js';

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
}

/**
 * Sends what the outbox holds. Rows are written in the transaction that created the invite,
 * so mail is never lost to a crash; a failed send is retried with exponential backoff and
 * jitter, and after `maxAttempts` the message is marked failed with its last error.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** kick() does nothing until start(). */
  private started = false;
  /** Set by stop(): no new batch is claimed; the batch in hand is finished. */
  private stopping = false;

  constructor(private readonly o: OutboxWorkerOptions) {}

  start(): void {
    this.started = true;
    this.kick();
  }

  /** Looks for due mail now (after an invite committed), instead of at the next poll. */
  kick(): void {
    if (!this.started || this.stopping) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.drain()
      .catch((error) => this.o.log.error({ err: error }, 'outbox worker pass failed'))
      .finally(() => {
        this.running = null;
        if (this.stopping) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.timer = setTimeout(() => this.kick(), this.o.pollMs ?? 1000);
          this.timer.unref();
        }
      });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.o.transport.close();
  }

  /** Sends every message due now; resolves when none is left, or after the batch in hand once stopped. */
  async drain(): Promise<void> {
    while (!this.stopping) {
      const now = this.o.clock();
      const batch = await this.o.store.claimDueMail(
        now.toISOString(),
        new Date(now.getTime() + (this.o.leaseMs ?? 60_000)).toISOString(),
        10,
      );
      if (batch.length === 0) return;
      for (const mail of batch) {
        await this.deliver(mail.id, mail.to, mail.subject, mail.text ?? '', mail.html ?? '', mail.attempts);
      }
    }
  }

  private async deliver(id: string, to: string, subject: string, text: string, html: string, attempts: number) {
    try {
      await this.o.transport.send({ id, from: this.o.from, to, subject, text, html });
      await this.o.store.markMailSent(id, this.o.clock().toISOString());
      this.o.log.info({ mailId: id }, 'invitation mail delivered');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      // What is stored is shown to API tokens (`mailError`), read-only ones included: the
      // server's file paths stay in the operator's log.
      const shown = withoutPaths(reason);
      const permanent = (error as { permanent?: boolean }).permanent === true;
      if (permanent || attempts + 1 >= (this.o.maxAttempts ?? 8)) {
        await this.o.store.markMailFailed(id, shown);
        this.o.log.error({ mailId: id, reason }, 'invitation mail failed for good');
      } else {
        // 2 s, 4 s, 8 s … capped at an hour, with jitter so that retries of many messages spread.
        const backoff = Math.min(3_600_000, 2000 * 2 ** attempts) * (0.5 + Math.random() / 2);
        await this.o.store.markMailRetry(id, new Date(this.o.clock().getTime() + backoff).toISOString(), shown);
        this.o.log.warn({ mailId: id, reason }, 'invitation mail will be retried');
      }
    }
  }
}

/** Absolute file paths in an error message (not the path of a URL) become `[path]`. */
export const withoutPaths = (message: string) => message.replace(/(^|[\s'"(=,:])\/[^\s'"(),:]+/g, (m, before: string) => (before === ':' && /:\/\//.test(m) ? m : `${before}[path]`));
