import type { EffectiveBranding } from '../contract/branding.js';
import type { InviteRecord, OrgRecord, UserRecord } from './records.js';
import type { Store } from './store.js';

interface InviteMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** Renders the mail that carries an invite link; the only place the plain token goes. */
/** `branding` is what the org's pages show (src/domain/branding.ts); its logo URL is a path on this server. */
export type ComposeInviteMail = (input: { org: OrgRecord; invite: InviteRecord; token: string; inviter: UserRecord | null; branding: EffectiveBranding }) => InviteMail;

/** What every domain service is built with, by the composition root. */
export interface DomainDeps {
  store: Store;
  clock: () => Date;
  /** Invite lifetime when the org sets none. */
  defaultInviteTtlMs: number;
  composeInviteMail: ComposeInviteMail;
  /** Told after a transaction that queued mail commits, so delivery need not wait for a poll. */
  onMailQueued: () => void;
  /** Told after a transaction that wrote events commits, so their webhooks need not wait for a poll. */
  onEventsPublished: () => void;
}
