import type { Logger } from 'pino';

/**
 * Runs `pass` now when kicked (after a commit), else every `pollMs`; never two passes at
 * once. A kick during a pass runs another right after it, so nothing committed meanwhile
 * waits for the poll. The outbox workers (mail, webhooks) are built on it.
 */
export class PollLoop {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** kick() does nothing until start(). */
  private started = false;
  /** Set by stop(): no new pass starts; the pass in hand is finished. */
  private stopped = false;

  constructor(
    private readonly pass: () => Promise<void>,
    private readonly pollMs: number,
    private readonly log: Pick<Logger, 'error' | 'warn'>,
    private readonly name: string,
    /** Errors that say the database is away (a failover): expected, logged as warnings; the next poll tries again. */
    private readonly transient: (error: unknown) => boolean = () => false,
  ) {}

  get stopping(): boolean {
    return this.stopped;
  }

  start(): void {
    this.started = true;
    this.kick();
  }

  kick(): void {
    if (!this.started || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.running = this.pass()
      .catch((error) =>
        this.transient(error)
          ? this.log.warn({ err: error }, `${this.name} pass stopped: the database is away; the next poll tries again`)
          : this.log.error({ err: error }, `${this.name} pass failed`),
      )
      .finally(() => {
        this.running = null;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.timer = setTimeout(() => this.kick(), this.pollMs);
          this.timer.unref();
        }
      });
  }

  /** Resolves once the pass in hand (if any) is over; no pass starts after. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }
}
