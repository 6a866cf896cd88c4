import { canonicalId } from '../contract/canonical.js';
import { MAIL_DEFAULT_PER_PAGE, type MailCollection, type MailMessage, type MailQuery } from '../contract/mail.js';
import { type Actor, audit } from './audit.js';
import type { DomainDeps } from './context.js';
import { AppError, notFound } from './errors.js';
import { totals } from './lists.js';
import type { InstanceMail } from './store.js';

/**
 * An error as shown to API tokens (read-only ones included): whatever a mail library put in
 * it, no credentials of a URL, no SMTP AUTH argument and no invite token of an accept link.
 * The stored text is scrubbed again when shown, so rows written before a rule existed obey it.
 */
export const shownMailError = (error: string) =>
  error
    .replace(/\/\/[^\s/@]+@/g, '//[credentials]@')
    .replace(/\b(AUTH\s+(?:PLAIN|LOGIN|XOAUTH2|CRAM-MD5))\s+\S+/gi, '$1 [redacted]')
    .replace(/([?&]token=)[^\s&"'<>]+/gi, '$1[redacted]');

const toMailMessage = (m: InstanceMail): MailMessage => ({
  id: m.id,
  inviteId: m.inviteId!,
  orgId: m.orgId,
  to: m.to,
  subject: m.subject,
  status: m.status === 'failed' ? 'failed' : 'retrying',
  attempts: m.attempts,
  ...(m.lastError ? { lastError: shownMailError(m.lastError) } : {}),
  createdAt: m.createdAt,
  ...(m.status === 'failed' ? {} : { nextAttemptAt: m.nextAttemptAt }),
});

/** Invitation mail in trouble, as an instance's admins see it: list and retry. Never a body. */
export class MailProblems {
  constructor(private readonly deps: Pick<DomainDeps, 'store' | 'clock' | 'onMailQueued'>) {}

  async list(instanceId: string, q: MailQuery): Promise<MailCollection> {
    const page = q.page ?? 0;
    const perPage = q.perPage ?? MAIL_DEFAULT_PER_PAGE;
    const orgId = q.orgId === undefined ? undefined : canonicalId(q.orgId);
    const found = await this.deps.store.listMailProblems(instanceId, { status: q.status, orgId, offset: page * perPage, limit: perPage });
    const items = found.items.map(toMailMessage);
    return { items, instanceId, count: items.length, ...totals(found), page, perPage, ...(q.status ? { status: q.status } : {}), ...(orgId ? { orgId } : {}) };
  }

  /** Queues the message for an attempt now; refuses mail delivered already or whose invite is dead. */
  async retry(instanceId: string, messageId: string, actor: Actor): Promise<MailMessage> {
    const now = this.deps.clock().toISOString();
    const retried = await this.deps.store.transaction(async (store) => {
      const mail = await store.getInstanceMail(instanceId, messageId);
      if (!mail) throw notFound('Mail message');
      if (mail.status === 'sent') throw new AppError('mail_not_retryable', 'This mail was delivered already: resend the invite to mail it again');
      if (!(await store.retryMailNow(mail.id, now))) {
        throw new AppError(
          'mail_not_retryable',
          mail.status === 'sending'
            ? 'This mail is being sent right now'
            : 'This mail cannot be sent again: its invite is no longer pending (accepted, rejected, revoked, replaced or expired)',
        );
      }
      await audit(store, this.deps.clock, actor, {
        instanceId,
        orgId: mail.orgId,
        action: 'instanceMailMessage.retry',
        targetId: mail.inviteId,
        email: mail.to,
        details: { messageId: mail.id, previousStatus: mail.status === 'failed' ? 'failed' : 'retrying', attempts: mail.attempts },
      });
      return (await store.getInstanceMail(instanceId, mail.id))!;
    });
    this.deps.onMailQueued();
    return toMailMessage(retried);
  }
}
